{#- Current callbacks (customer follow-up contacts): valid rows only, one row per
    callback_id: the version with the greatest updated_at, then the later file, then the
    later row; a winning deleted version removes the key. -#}

with base_callbacks as (
    select * from {{ ref('base_dms__callbacks') }}
),

valid as (
    select *
    from base_callbacks
    where _quarantine_reason is null
),

ranked as (
    select
        valid.*,
        row_number() over (
            partition by callback_id
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
        callback_id,
        ticket_id,
        attempted_at,
        channel,
        outcome,
        satisfied,
        nps_score,
        problem_reported,
        problem_resolved,
        complaint,
        comment,
        updated_at,
        _source_file
    from winners
)

select * from final
