{#- Every raw tickets row (work orders), parsed, with its quarantine reasons
    (null = valid). -#}

with raw_tickets as (
    select * from {{ source('dms', 'tickets') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

parsed as (
    select
        {{ parse_text('ticket_id') }} as ticket_id,
        {{ parse_text('branch_code') }} as branch_code,
        {{ parse_text('customer_id') }} as customer_id,
        {{ parse_text('asset_id') }} as asset_id,
        {{ parse_text('advisor_id') }} as advisor_id,
        {{ parse_text('technician_id') }} as technician_id,
        {{ parse_code('ticket_type') }} as ticket_type,
        {{ parse_integer('fault_level') }} as fault_level,
        {{ parse_boolean('is_internal') }} as is_internal,
        {{ parse_timestamp('opened_at') }} as opened_at,
        {{ parse_timestamp('appointment_booked_at') }} as appointment_booked_at,
        {{ parse_timestamp('appointment_at') }} as appointment_at,
        {{ parse_timestamp('reminder_sent_at') }} as reminder_sent_at,
        {{ parse_timestamp('first_response_at') }} as first_response_at,
        {{ parse_timestamp('arrived_at') }} as arrived_at,
        {{ parse_boolean('precheck_done') }} as precheck_done,
        {{ parse_boolean('precheck_form_used') }} as precheck_form_used,
        {{ parse_boolean('precheck_with_customer') }} as precheck_with_customer,
        {{ parse_boolean('quoted_from_catalog') }} as quoted_from_catalog,
        {{ parse_timestamp('promised_at') }} as promised_at,
        {{ parse_timestamp('work_started_at') }} as work_started_at,
        {{ parse_timestamp('work_completed_at') }} as work_completed_at,
        {{ parse_timestamp('invoiced_at') }} as invoiced_at,
        {{ parse_timestamp('delivered_at') }} as delivered_at,
        {{ parse_boolean('explained_at_delivery') }} as explained_at_delivery,
        {{ parse_code('status') }} as status,
        {{ parse_decimal('sold_hours') }} as sold_hours,
        {{ parse_decimal('labor_amount') }} as labor_amount,
        {{ parse_decimal('parts_amount') }} as parts_amount,
        {{ parse_boolean('warranty_claim') }} as warranty_claim,
        {{ parse_text('rework_of_ticket_id') }} as rework_of_ticket_id,
        {{ parse_timestamp('updated_at') }} as updated_at,
        {{ parse_boolean('is_deleted') }} as is_deleted,
        _source_file,
        _file_hash,
        _row_number,
        _loaded_at,
        {{ collect_reasons([
            reason_primary_key('ticket_id'),
            reason_required('branch_code'),
            reason_required('customer_id'),
            reason_code('ticket_type', [
                'repair', 'maintenance', 'warranty', 'inspection', 'consult',
            ]),
            reason_integer('fault_level', required=false),
            reason_boolean('is_internal'),
            reason_timestamp('opened_at', required=true),
            reason_timestamp('appointment_booked_at'),
            reason_timestamp('appointment_at'),
            reason_timestamp('reminder_sent_at'),
            reason_timestamp('first_response_at'),
            reason_timestamp('arrived_at'),
            reason_boolean('precheck_done'),
            reason_boolean('precheck_form_used'),
            reason_boolean('precheck_with_customer'),
            reason_boolean('quoted_from_catalog'),
            reason_timestamp('promised_at'),
            reason_timestamp('work_started_at'),
            reason_timestamp('work_completed_at'),
            reason_timestamp('invoiced_at'),
            reason_timestamp('delivered_at'),
            reason_boolean('explained_at_delivery'),
            reason_code('status', [
                'open', 'in_progress', 'waiting_parts', 'completed', 'delivered', 'cancelled',
            ]),
            reason_decimal('sold_hours'),
            reason_decimal('labor_amount'),
            reason_decimal('parts_amount'),
            reason_boolean('warranty_claim'),
            reason_timestamp('updated_at', required=true),
            reason_boolean('is_deleted'),
        ]) }} as _format_reason
    from raw_tickets
),

checked as (
    select
        parsed.*,
        {{ collect_reasons([
            'parsed._format_reason',
            reason_if('parsed.fault_level not in (1, 2, 3)', 'invalid_code:fault_level'),
            reason_if('parsed.branch_code is not null and branches.branch_code is null',
                      'unknown_branch_code'),
            reason_if('parsed.sold_hours < 0', 'negative_value:sold_hours'),
            reason_if('parsed.labor_amount < 0', 'negative_value:labor_amount'),
            reason_if('parsed.parts_amount < 0', 'negative_value:parts_amount'),
            reason_if('parsed.work_completed_at < parsed.opened_at', 'completed_before_opened'),
            reason_if('parsed.delivered_at < parsed.opened_at', 'delivered_before_opened'),
        ]) }} as _quarantine_reason
    from parsed
    left join branches
        on parsed.branch_code = branches.branch_code
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
        is_deleted,
        _source_file,
        _file_hash,
        _row_number,
        _loaded_at,
        _quarantine_reason
    from checked
)

select * from final
