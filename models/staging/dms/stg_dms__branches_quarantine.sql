{#- Quarantined branches (service outlets) rows: every raw row with at least one
    quarantine reason, with the raw text of every contract column, the file it came from
    and the reasons. -#}

with raw_branches as (
    select * from {{ source('dms', 'branches') }}
),

base_branches as (
    select * from {{ ref('base_dms__branches') }}
),

quarantined as (
    select
        _source_file,
        _row_number,
        _quarantine_reason
    from base_branches
    where _quarantine_reason is not null
),

final as (
    select
        raw_branches._source_file,
        raw_branches._row_number,
        raw_branches._loaded_at,
        quarantined._quarantine_reason as quarantine_reason,
        raw_branches.branch_code,
        raw_branches.branch_name,
        raw_branches.region,
        raw_branches.province,
        raw_branches.org_type,
        raw_branches.timezone,
        raw_branches.opens_at,
        raw_branches.closes_at,
        raw_branches.open_weekdays,
        raw_branches.updated_at,
        raw_branches.is_deleted
    from quarantined
    inner join raw_branches
        on quarantined._source_file = raw_branches._source_file
        and quarantined._row_number = raw_branches._row_number
)

select * from final
