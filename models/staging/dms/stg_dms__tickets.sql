{#- Current tickets (work orders): valid rows only, one row per ticket_id: the version
    with the greatest updated_at, then the later file, then the later row; a winning
    deleted version removes the key. -#}

with base_tickets as (
    select * from {{ ref('base_dms__tickets') }}
),

valid as (
    select *
    from base_tickets
    where _quarantine_reason is null
),

ranked as (
    select
        valid.*,
        row_number() over (
            partition by ticket_id
            order by updated_at desc, _source_file desc, _row_number desc
        ) as version_rank
    from valid
),

winners as (
    select *
    from ranked
    where version_rank = 1
        and not is_deleted
),

final as (
    select
        ticket_id,
        branch_code,
        customer_id,
        asset_id,
        advisor_id,
        technician_id,
        ticket_type,
        fault_level,
        is_internal,
        opened_at,
        appointment_booked_at,
        appointment_at,
        reminder_sent_at,
        first_response_at,
        arrived_at,
        precheck_done,
        precheck_form_used,
        precheck_with_customer,
        quoted_from_catalog,
        promised_at,
        work_started_at,
        work_completed_at,
        invoiced_at,
        delivered_at,
        explained_at_delivery,
        status,
        sold_hours,
        labor_amount,
        parts_amount,
        warranty_claim,
        rework_of_ticket_id,
        updated_at,
        _source_file
    from winners
)

select * from final
