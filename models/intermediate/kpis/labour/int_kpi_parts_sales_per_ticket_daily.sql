{#- parts_sales_per_ticket (每工单零件销售). Doc block: kpi_parts_sales_per_ticket; unit
    test: unit_kpi_parts_sales_per_ticket_delivered. parts_amount of the delivered valid
    tickets (D(P)) / their number, by delivered date at the ticket's branch.
    SQL: macro kpi_delivered_average_daily (macros/kpi/delivered_work_orders.sql). -#}
{{ kpi_delivered_average_daily('parts_sales_per_ticket', 'coalesce(parts_amount, 0)') }}
