{#- One row per delivered valid ticket (D): whether another valid ticket re-repairs it
    (names it in rework_of_ticket_id) and was opened no more than
    var('comeback_window_days') after its delivery, and whether that outcome is known at
    as_of. Doc block: int_tickets_rework_flagged; unit test:
    unit_int_tickets_rework_flagged_window. Used by first_time_fix_rate and comeback_rate.
    Instants are absolute epoch seconds, each read in its own ticket branch's time zone.

    Incremental on DuckDB: a build flags again the work orders touched since the model
    was last written, those that any version of a touched work order names as reworked,
    and those whose outcome was unknown and whose comeback window has ended at as_of
    (D-132); everything when a branch changed, as_of moved back or the model is empty (macros/work_orders/rework_flags_incremental.sql,
    macros/marts/keyed_rewrite.sql; D-100). -#}
{{ keyed_rewrite('ticket_id', 'rework_flags_scope', also='branch_or_as_of_moved_back',
                 inputs=['base_dms__tickets', 'base_dms__branches'], built_at='_computed_at') }}
{%- set window_seconds = var('comeback_window_days') ~ ' * 86400' %}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

as_of as (
    select * from {{ ref('int_as_of_resolved') }}
),

delivered_tickets as (
    select
        tickets.ticket_id,
        tickets.branch_code,
        tickets.ticket_type,
        tickets.is_internal,
        tickets.delivered_at,
        {{ local_to_epoch('tickets.delivered_at', 'branches.timezone') }} as delivered_epoch,
        {{ local_to_epoch('as_of.as_of', 'branches.timezone') }} as as_of_epoch,
        as_of.as_of as _outcomes_as_of
    from tickets
    inner join branches
        on tickets.branch_code = branches.branch_code
    cross join as_of
    where
        tickets.status <> 'cancelled'
        and tickets.delivered_at is not null
        and {{ keyed_rewrite_filter('tickets.ticket_id') }}
),

rework_tickets as (
    select
        tickets.ticket_id as rework_ticket_id,
        tickets.rework_of_ticket_id,
        {{ local_to_epoch('tickets.opened_at', 'branches.timezone') }} as rework_opened_epoch
    from tickets
    inner join branches
        on tickets.branch_code = branches.branch_code
    where
        tickets.status <> 'cancelled'
        and tickets.rework_of_ticket_id is not null
        and tickets.rework_of_ticket_id <> tickets.ticket_id
        and {{ keyed_rewrite_filter('tickets.rework_of_ticket_id') }}
),

windowed as (
    select
        delivered_tickets.ticket_id,
        delivered_tickets.branch_code,
        delivered_tickets.ticket_type,
        delivered_tickets.is_internal,
        delivered_tickets.delivered_at,
        delivered_tickets.delivered_epoch,
        delivered_tickets.delivered_epoch + {{ window_seconds }} as comeback_window_end_epoch,
        delivered_tickets.as_of_epoch,
        delivered_tickets._outcomes_as_of,
        cast(sum(
            case
                when rework_tickets.rework_opened_epoch
                    <= delivered_tickets.delivered_epoch + {{ window_seconds }}
                    then 1
                else 0
            end
        ) as bigint) as rework_ticket_count
    from delivered_tickets
    left join rework_tickets
        on delivered_tickets.ticket_id = rework_tickets.rework_of_ticket_id
    group by
        delivered_tickets.ticket_id,
        delivered_tickets.branch_code,
        delivered_tickets.ticket_type,
        delivered_tickets.is_internal,
        delivered_tickets.delivered_at,
        delivered_tickets.delivered_epoch,
        delivered_tickets.as_of_epoch,
        delivered_tickets._outcomes_as_of
),

final as (
    select
        ticket_id,
        branch_code,
        ticket_type,
        is_internal,
        delivered_at,
        delivered_epoch,
        comeback_window_end_epoch,
        rework_ticket_count,
        rework_ticket_count > 0 as is_reworked,
        (
            rework_ticket_count > 0
            or as_of_epoch >= comeback_window_end_epoch
        ) as is_rework_outcome_known,
        _outcomes_as_of,
        {{ build_started_at() }} as _computed_at
    from windowed
)

select * from final
