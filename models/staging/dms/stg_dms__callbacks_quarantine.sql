{#- Quarantined callbacks (customer follow-up contacts) rows: every raw row with at
    least one quarantine reason, with the raw text of every contract column, the file it
    came from and the reasons. -#}

with raw_callbacks as (
    select * from {{ source('dms', 'callbacks') }}
),

base_callbacks as (
    select * from {{ ref('base_dms__callbacks') }}
),

quarantined as (
    select
        _source_file,
        _row_number,
        _quarantine_reason
    from base_callbacks
    where _quarantine_reason is not null
),

final as (
    select
        raw_callbacks._source_file,
        raw_callbacks._row_number,
        raw_callbacks._loaded_at,
        quarantined._quarantine_reason as quarantine_reason,
        raw_callbacks.callback_id,
        raw_callbacks.ticket_id,
        raw_callbacks.attempted_at,
        raw_callbacks.channel,
        raw_callbacks.outcome,
        raw_callbacks.satisfied,
        raw_callbacks.nps_score,
        raw_callbacks.problem_reported,
        raw_callbacks.problem_resolved,
        raw_callbacks.complaint,
        raw_callbacks.comment,
        raw_callbacks.updated_at,
        raw_callbacks.is_deleted
    from quarantined
    inner join raw_callbacks
        on quarantined._source_file = raw_callbacks._source_file
        and quarantined._row_number = raw_callbacks._row_number
)

select * from final
