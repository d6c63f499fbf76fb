{#- Quarantined time_punches (clock events) rows: every raw row with at least one
    quarantine reason, with the raw text of every contract column, the file it came from
    and the reasons. -#}

with raw_time_punches as (
    select * from {{ source('dms', 'time_punches') }}
),

base_time_punches as (
    select * from {{ ref('base_dms__time_punches') }}
),

quarantined as (
    select
        _source_file,
        _row_number,
        _quarantine_reason
    from base_time_punches
    where _quarantine_reason is not null
),

final as (
    select
        raw_time_punches._source_file,
        raw_time_punches._row_number,
        raw_time_punches._loaded_at,
        quarantined._quarantine_reason as quarantine_reason,
        raw_time_punches.punch_id,
        raw_time_punches.employee_id,
        raw_time_punches.branch_code,
        raw_time_punches.punch_type,
        raw_time_punches.ticket_id,
        raw_time_punches.punched_at,
        raw_time_punches.source,
        raw_time_punches.updated_at,
        raw_time_punches.is_deleted
    from quarantined
    inner join raw_time_punches
        on quarantined._source_file = raw_time_punches._source_file
        and quarantined._row_number = raw_time_punches._row_number
)

select * from final
