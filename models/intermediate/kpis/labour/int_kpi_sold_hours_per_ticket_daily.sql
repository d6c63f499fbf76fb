{#- sold_hours_per_ticket (每工单工时销售). Doc block: kpi_sold_hours_per_ticket; unit
    test: unit_kpi_sold_hours_per_ticket_delivered. Sold hours of the delivered valid
    tickets (D(P)) / their number, by delivered date at the ticket's branch.
    SQL: macro kpi_delivered_average_daily (macros/kpi/delivered_work_orders.sql). -#}
{{ kpi_delivered_average_daily('sold_hours_per_ticket', 'coalesce(sold_hours, 0)') }}
