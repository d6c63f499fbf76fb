{#- Every raw technicians row, parsed, with its quarantine reasons (null = valid).
    Names and phones stay in staging: stg_dms__technicians drops them. -#}

with raw_technicians as (
    select * from {{ source('dms', 'technicians') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

parsed as (
    select
        {{ parse_text('employee_id') }} as employee_id,
        {{ parse_text('branch_code') }} as branch_code,
        {{ parse_code('role') }} as role,
        {{ parse_text('full_name') }} as full_name,
        {{ parse_text('phone') }} as phone,
        {{ parse_date('hired_on') }} as hired_on,
        {{ parse_date('left_on') }} as left_on,
        {{ parse_timestamp('updated_at') }} as updated_at,
        {{ parse_boolean('is_deleted') }} as is_deleted,
        _source_file,
        _file_hash,
        _row_number,
        _loaded_at,
        {{ collect_reasons([
            reason_primary_key('employee_id'),
            reason_required('branch_code'),
            reason_code('role', ['technician', 'advisor']),
            reason_required('full_name'),
            reason_required('phone'),
            reason_date('hired_on', required=true),
            reason_date('left_on'),
            reason_timestamp('updated_at', required=true),
            reason_boolean('is_deleted'),
        ]) }} as _format_reason
    from raw_technicians
),

checked as (
    select
        parsed.employee_id,
        parsed.branch_code,
        parsed.role,
        parsed.full_name,
        parsed.phone,
        parsed.hired_on,
        parsed.left_on,
        parsed.updated_at,
        parsed.is_deleted,
        parsed._source_file,
        parsed._file_hash,
        parsed._row_number,
        parsed._loaded_at,
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
        employee_id,
        branch_code,
        role,
        full_name,
        phone,
        hired_on,
        left_on,
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
