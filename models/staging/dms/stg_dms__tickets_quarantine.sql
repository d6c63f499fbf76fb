{#- Quarantined tickets (work orders) rows: every raw row with at least one quarantine
    reason, with the raw text of every contract column, the file it came from and the
    reasons. -#}

with raw_tickets as (
    select * from {{ source('dms', 'tickets') }}
),

base_tickets as (
    select * from {{ ref('base_dms__tickets') }}
),

quarantined as (
    select
        _source_file,
        _row_number,
        _quarantine_reason
    from base_tickets
    where _quarantine_reason is not null
),

final as (
    select
        raw_tickets._source_file,
        raw_tickets._row_number,
        raw_tickets._loaded_at,
        quarantined._quarantine_reason as quarantine_reason,
        raw_tickets.ticket_id,
        raw_tickets.branch_code,
        raw_tickets.customer_id,
        raw_tickets.asset_id,
        raw_tickets.advisor_id,
        raw_tickets.technician_id,
        raw_tickets.ticket_type,
        raw_tickets.fault_level,
        raw_tickets.is_internal,
        raw_tickets.opened_at,
        raw_tickets.appointment_booked_at,
        raw_tickets.appointment_at,
        raw_tickets.reminder_sent_at,
        raw_tickets.first_response_at,
        raw_tickets.arrived_at,
        raw_tickets.precheck_done,
        raw_tickets.precheck_form_used,
        raw_tickets.precheck_with_customer,
        raw_tickets.quoted_from_catalog,
        raw_tickets.promised_at,
        raw_tickets.work_started_at,
        raw_tickets.work_completed_at,
        raw_tickets.invoiced_at,
        raw_tickets.delivered_at,
        raw_tickets.explained_at_delivery,
        raw_tickets.status,
        raw_tickets.sold_hours,
        raw_tickets.labor_amount,
        raw_tickets.parts_amount,
        raw_tickets.warranty_claim,
        raw_tickets.rework_of_ticket_id,
        raw_tickets.updated_at,
        raw_tickets.is_deleted
    from quarantined
    inner join raw_tickets
        on quarantined._source_file = raw_tickets._source_file
        and quarantined._row_number = raw_tickets._row_number
)

select * from final
