{#- One row per valid, non-deleted ticket, cancelled ones included (is_cancelled). -#}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
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
        status,
        is_internal,
        status = 'cancelled' as is_cancelled,
        status <> 'cancelled' and delivered_at is not null as is_delivered,
        status <> 'cancelled' and delivered_at is not null and is_internal = false as is_customer_delivery,
        opened_at,
        appointment_booked_at,
        appointment_at,
        reminder_sent_at,
        first_response_at,
        arrived_at,
        promised_at,
        work_started_at,
        work_completed_at,
        invoiced_at,
        delivered_at,
        cast(opened_at as date) as opened_date,
        cast(delivered_at as date) as delivered_date,
        precheck_done,
        precheck_form_used,
        precheck_with_customer,
        quoted_from_catalog,
        explained_at_delivery,
        warranty_claim,
        rework_of_ticket_id,
        sold_hours,
        labor_amount,
        parts_amount,
        updated_at
    from tickets
)

select * from final
