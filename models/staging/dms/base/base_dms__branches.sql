{#- Every raw branches row, parsed, with its quarantine reasons (null = valid). -#}

with raw_branches as (
    select * from {{ source('dms', 'branches') }}
),

parsed as (
    select
        {{ parse_text('branch_code') }} as branch_code,
        {{ parse_text('branch_name') }} as branch_name,
        {{ parse_text('region') }} as region,
        {{ parse_text('province') }} as province,
        {{ parse_code('org_type') }} as org_type,
        {{ parse_text('timezone') }} as timezone,
        {{ parse_time_hhmm('opens_at') }} as opens_at,
        {{ parse_time_hhmm('closes_at') }} as closes_at,
        {{ parse_weekdays('open_weekdays') }} as open_weekdays,
        {{ parse_timestamp('updated_at') }} as updated_at,
        {{ parse_boolean('is_deleted') }} as is_deleted,
        _source_file,
        _file_hash,
        _row_number,
        _loaded_at,
        {{ collect_reasons([
            reason_primary_key('branch_code'),
            reason_required('branch_name'),
            reason_required('region'),
            reason_required('province'),
            reason_code('org_type', ['representative_office', 'dealer', 'supplier']),
            reason_required('timezone'),
            reason_time_hhmm('opens_at'),
            reason_time_hhmm('closes_at'),
            reason_weekdays('open_weekdays'),
            reason_timestamp('updated_at', required=true),
            reason_boolean('is_deleted'),
        ]) }} as _quarantine_reason
    from raw_branches
),

final as (
    select
        branch_code,
        branch_name,
        region,
        province,
        org_type,
        timezone,
        opens_at,
        closes_at,
        open_weekdays,
        updated_at,
        is_deleted,
        _source_file,
        _file_hash,
        _row_number,
        _loaded_at,
        _quarantine_reason
    from parsed
)

select * from final
