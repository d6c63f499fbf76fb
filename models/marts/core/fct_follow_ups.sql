{#- One row per valid, non-deleted follow-up contact, without the free-text comment.
    Hours after delivery are absolute (epoch seconds in the ticket branch's time zone).

    Incremental on DuckDB: a build rewrites the calls parsed in it and the calls of the
    work orders parsed in it; every call when a branch changed
    (macros/marts/core_facts_incremental.sql, D-100). -#}
{{ keyed_rewrite('callback_id', 'follow_ups_scope', also='follow_ups_recompute_all',
                 inputs=['base_dms__callbacks', 'base_dms__tickets', 'base_dms__branches']) }}
{%- set window_seconds = var('callback_window_days') ~ ' * 86400' %}

with callbacks as (
    {{ keyed_rewrite_rows(ref('stg_dms__callbacks'), 'callback_id') }}
),

tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

follow_ups as (
    select
        callbacks.callback_id,
        callbacks.ticket_id,
        tickets.branch_code,
        callbacks.attempted_at,
        callbacks.channel,
        callbacks.outcome,
        {{ is_successful_follow_up('callbacks.channel', 'callbacks.outcome') }} as is_successful,
        callbacks.satisfied,
        callbacks.nps_score,
        callbacks.problem_reported,
        callbacks.problem_resolved,
        callbacks.complaint,
        tickets.delivered_at,
        {{ local_to_epoch('callbacks.attempted_at', 'branches.timezone') }} as attempted_epoch,
        {{ local_to_epoch('tickets.delivered_at', 'branches.timezone') }} as delivered_epoch,
        callbacks.updated_at
    from callbacks
    left join tickets
        on callbacks.ticket_id = tickets.ticket_id
    left join branches
        on tickets.branch_code = branches.branch_code
),

final as (
    select
        callback_id,
        ticket_id,
        branch_code,
        attempted_at,
        cast(attempted_at as date) as attempted_date,
        channel,
        outcome,
        is_successful,
        satisfied,
        nps_score,
        problem_reported,
        problem_resolved,
        complaint,
        cast(attempted_epoch - delivered_epoch as double) / 3600 as hours_after_delivery,
        case
            when delivered_epoch is null then null
            else attempted_epoch >= delivered_epoch and attempted_epoch <= delivered_epoch + {{ window_seconds }}
        end as is_within_callback_window,
        updated_at
    from follow_ups
)

select * from final
