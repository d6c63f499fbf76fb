{#- One row per valid, non-deleted ticket, cancelled ones included (is_cancelled).
    SLA columns (policy applied, elapsed calendar and business minutes, met / known
    flags) come from int_work_orders_sla_measured (doc block int_work_orders_sla_measured).

    Incremental on DuckDB: a build rewrites the work orders measured or parsed in it
    (macros/work_orders/fct_work_orders_incremental.sql, D-100). -#}
{{ keyed_rewrite('ticket_id', 'work_orders_scope', inputs=['base_dms__tickets']) }}

with tickets as (
    {{ keyed_rewrite_rows(ref('stg_dms__tickets'), 'ticket_id') }}
),

sla as (
    select * from {{ ref('int_work_orders_sla_measured') }}
),

final as (
    select
        tickets.ticket_id,
        tickets.branch_code,
        tickets.customer_id,
        tickets.asset_id,
        tickets.advisor_id,
        tickets.technician_id,
        tickets.ticket_type,
        tickets.fault_level,
        tickets.status,
        tickets.is_internal,
        tickets.status = 'cancelled' as is_cancelled,
        tickets.status <> 'cancelled' and tickets.delivered_at is not null as is_delivered,
        tickets.status <> 'cancelled' and tickets.delivered_at is not null and tickets.is_internal = false as is_customer_delivery,
        tickets.opened_at,
        tickets.appointment_booked_at,
        tickets.appointment_at,
        tickets.reminder_sent_at,
        tickets.first_response_at,
        tickets.arrived_at,
        tickets.promised_at,
        tickets.work_started_at,
        tickets.work_completed_at,
        tickets.invoiced_at,
        tickets.delivered_at,
        cast(tickets.opened_at as date) as opened_date,
        cast(tickets.delivered_at as date) as delivered_date,
        tickets.precheck_done,
        tickets.precheck_form_used,
        tickets.precheck_with_customer,
        tickets.quoted_from_catalog,
        tickets.explained_at_delivery,
        tickets.warranty_claim,
        tickets.rework_of_ticket_id,
        tickets.sold_hours,
        tickets.labor_amount,
        tickets.parts_amount,
        tickets.updated_at,
        sla.sla_fault_level,
        sla.sla_clock,
        sla.response_target_minutes as sla_response_target_minutes,
        sla.arrival_target_minutes as sla_arrival_target_minutes,
        sla.resolution_target_minutes as sla_resolution_target_minutes,
        sla.first_response_calendar_minutes,
        sla.first_response_business_minutes,
        sla.arrived_calendar_minutes,
        sla.arrived_business_minutes,
        sla.work_completed_calendar_minutes,
        sla.work_completed_business_minutes,
        sla.is_response_sla_met,
        sla.is_response_outcome_known,
        sla.is_arrival_sla_met,
        sla.is_arrival_outcome_known,
        sla.is_resolution_sla_met,
        sla.is_resolution_outcome_known
    from tickets
    left join sla
        on tickets.ticket_id = sla.ticket_id
)

select * from final
