{#- Quarantined technicians (service staff) rows: every raw row with at least one
    quarantine reason, with the raw text of every contract column, the file it came from
    and the reasons. -#}

with raw_technicians as (
    select * from {{ source('dms', 'technicians') }}
),

base_technicians as (
    select * from {{ ref('base_dms__technicians') }}
),

quarantined as (
    select
        _source_file,
        _row_number,
        _quarantine_reason
    from base_technicians
    where _quarantine_reason is not null
),

final as (
    select
        raw_technicians._source_file,
        raw_technicians._row_number,
        raw_technicians._loaded_at,
        quarantined._quarantine_reason as quarantine_reason,
        raw_technicians.employee_id,
        raw_technicians.branch_code,
        raw_technicians.role,
        raw_technicians.full_name,
        raw_technicians.phone,
        raw_technicians.hired_on,
        raw_technicians.left_on,
        raw_technicians.updated_at,
        raw_technicians.is_deleted
    from quarantined
    inner join raw_technicians
        on quarantined._source_file = raw_technicians._source_file
        and quarantined._row_number = raw_technicians._row_number
)

select * from final
