{#- Every raw time_punches row (clock events), parsed, with its quarantine reasons
    (null = valid). Pairing (and orphan punches) happens in intermediate. -#}

with raw_time_punches as (
    select * from {{ source('dms', 'time_punches') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

parsed as (
    select
        {{ parse_text('punch_id') }} as punch_id,
        {{ parse_text('employee_id') }} as employee_id,
        {{ parse_text('branch_code') }} as branch_code,
        {{ parse_code('punch_type') }} as punch_type,
        {{ parse_text('ticket_id') }} as ticket_id,
        {{ parse_timestamp('punched_at') }} as punched_at,
        {{ parse_code('source') }} as source,
        {{ parse_timestamp('updated_at') }} as updated_at,
        {{ parse_boolean('is_deleted') }} as is_deleted,
        _source_file,
        _file_hash,
        _row_number,
        _loaded_at,
        {{ collect_reasons([
            reason_primary_key('punch_id'),
            reason_required('employee_id'),
            reason_required('branch_code'),
            reason_code('punch_type', ['shift_start', 'shift_end', 'job_start', 'job_end']),
            reason_if(
                parse_code('punch_type') ~ " in ('job_start', 'job_end') and "
                ~ is_blank('ticket_id'),
                'missing_required:ticket_id'
            ),
            reason_timestamp('punched_at', required=true),
            reason_code('source', ['terminal', 'mobile', 'manual']),
            reason_timestamp('updated_at', required=true),
            reason_boolean('is_deleted'),
        ]) }} as _format_reason
    from raw_time_punches
),

checked as (
    select
        parsed.*,
        {{ collect_reasons([
            'parsed._format_reason',
            reason_if('parsed.branch_code is not null and branches.branch_code is null',
                      'unknown_branch_code'),
        ]) }} as _quarantine_reason
    from parsed
    left join branches
        on parsed.branch_code = branches.branch_code
),

final as (
    select
        punch_id,
        employee_id,
        branch_code,
        punch_type,
        ticket_id,
        punched_at,
        source,
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
