{#- catalog_quote_rate (目录式报价率), doc block kpi_catalog_quote_rate; unit test
    unit_kpi_catalog_quote_rate_deliveries. Delivered valid tickets D(P) (internal
    included) quoted_from_catalog / D(P), by delivered date at the ticket's branch.
    SQL: macro kpi_delivered_share_daily (macros/kpi/delivered_work_orders.sql). -#}
{{ kpi_delivered_share_daily('catalog_quote_rate', 'quoted_from_catalog') }}
