{#- SLA timing per ticket (doc block int_work_orders_sla_measured; unit tests
    unit_work_orders_sla_measured_business_minutes, unit_work_orders_sla_measured_outcomes).
    Every current ticket, cancelled ones included (the KPI models leave them out).

    - Policy: sla_policies seed by fault_level; a ticket without fault_level takes the
      policy of the row flagged applies_to_missing_level.
    - Calendar minutes: absolute elapsed time (local_to_epoch difference in the branch's
      zone, DST-correct).
    - Business minutes: wall-clock minutes inside the branch's opening window on its
      business days (int_branch_business_days_accumulated). For a timestamp t the
      cumulative business seconds are the business minutes of every earlier date
      (prefix sum) plus the part of t's own date's window before t
      (macros/kpi/business_seconds_cumulative.sql); elapsed business time between two
      timestamps is the difference of their cumulative values. Each instant is one join
      against the small calendar; as_of, the same for every ticket of a branch, is
      looked up once per branch.
    - An event before opened_at (e.g. a customer who arrived before the order was
      opened) gives negative elapsed time, which is within any target.
    - Met: the event happened and its elapsed time on the policy's clock is at most the
      target. Known outcome: the event happened, or the elapsed time from opened_at to
      as_of (read in the branch's zone) reached the target; _outcomes_as_of keeps that
      as_of. A known outcome stays known as as_of moves on.

    Incremental on DuckDB: a build recomputes the work orders touched since the model was
    last written and those with an outcome still unknown; everything when a branch
    changed, as_of moved back or the model is empty
    (macros/work_orders/sla_measured_incremental.sql, macros/marts/keyed_rewrite.sql). -#}
{{ keyed_rewrite('ticket_id', 'sla_measured_scope', also='branch_or_as_of_moved_back',
                 inputs=['base_dms__tickets', 'base_dms__branches'], built_at='_computed_at') }}
{%- set ticket_instants = ['opened', 'first_response', 'arrived', 'work_completed'] %}

with tickets as (
    {{ keyed_rewrite_rows(ref('stg_dms__tickets'), 'ticket_id') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

sla_policies as (
    select * from {{ ref('sla_policies') }}
),

business_days as (
    select * from {{ ref('int_branch_business_days_accumulated') }}
),

as_of as (
    select * from {{ ref('int_as_of_resolved') }}
),

default_policy as (
    select max(fault_level) as default_fault_level
    from sla_policies
    where applies_to_missing_level
),

ticket_policies as (
    select
        tickets.ticket_id,
        tickets.branch_code,
        tickets.status,
        tickets.fault_level,
        coalesce(tickets.fault_level, default_policy.default_fault_level) as sla_fault_level,
        tickets.opened_at,
        tickets.first_response_at,
        tickets.arrived_at,
        tickets.work_completed_at,
        branches.timezone
    from tickets
    inner join branches
        on tickets.branch_code = branches.branch_code
    cross join default_policy
),

{#- as_of is one instant per branch: located once per branch, not once per ticket -#}
branch_as_of as (
    select
        branches.branch_code,
        as_of.as_of,
        {{ local_to_epoch('as_of.as_of', 'branches.timezone') }} as as_of_epoch,
        {{ business_seconds_cumulative('as_of.as_of', 'as_of_day') }} as as_of_business_seconds
    from branches
    cross join as_of
    left join business_days as as_of_day
        on branches.branch_code = as_of_day.branch_code
        and cast(as_of.as_of as date) = as_of_day.date_day
),

{#- each event instant of a ticket looked up in its branch's calendar (a join per
    instant against the small calendar; a missing instant finds no day and stays null) -#}
instants_located as (
    select
        ticket_policies.*,
        {%- for name in ticket_instants %}
        {{ local_to_epoch('ticket_policies.' ~ name ~ '_at', 'ticket_policies.timezone') }} as {{ name }}_epoch,
        {{ business_seconds_cumulative('ticket_policies.' ~ name ~ '_at', name ~ '_day') }}
            as {{ name }}_business_seconds,
        {%- endfor %}
        branch_as_of.as_of as _outcomes_as_of,
        branch_as_of.as_of_epoch,
        branch_as_of.as_of_business_seconds
    from ticket_policies
    inner join branch_as_of
        on ticket_policies.branch_code = branch_as_of.branch_code
    {%- for name in ticket_instants %}
    left join business_days as {{ name }}_day
        on ticket_policies.branch_code = {{ name }}_day.branch_code
        and cast(ticket_policies.{{ name }}_at as date) = {{ name }}_day.date_day
    {%- endfor %}
),

elapsed as (
    select
        instants_located.ticket_id,
        instants_located.branch_code,
        instants_located.status,
        instants_located.fault_level,
        instants_located.sla_fault_level,
        sla_policies.clock as sla_clock,
        sla_policies.response_minutes as response_target_minutes,
        sla_policies.arrival_minutes as arrival_target_minutes,
        sla_policies.resolution_minutes as resolution_target_minutes,
        instants_located.opened_at,
        instants_located.first_response_at,
        instants_located.arrived_at,
        instants_located.work_completed_at,
        instants_located._outcomes_as_of,
        instants_located.first_response_epoch - instants_located.opened_epoch as first_response_calendar_seconds,
        instants_located.arrived_epoch - instants_located.opened_epoch as arrived_calendar_seconds,
        instants_located.work_completed_epoch - instants_located.opened_epoch as work_completed_calendar_seconds,
        instants_located.as_of_epoch - instants_located.opened_epoch as as_of_calendar_seconds,
        instants_located.first_response_business_seconds
        - instants_located.opened_business_seconds as first_response_business_seconds,
        instants_located.arrived_business_seconds
        - instants_located.opened_business_seconds as arrived_business_seconds,
        instants_located.work_completed_business_seconds
        - instants_located.opened_business_seconds as work_completed_business_seconds,
        instants_located.as_of_business_seconds
        - instants_located.opened_business_seconds as as_of_business_seconds
    from instants_located
    left join sla_policies
        on instants_located.sla_fault_level = sla_policies.fault_level
),

on_policy_clock as (
    select
        elapsed.*,
        case when sla_clock = 'business' then first_response_business_seconds else first_response_calendar_seconds end
            as first_response_policy_seconds,
        case when sla_clock = 'business' then arrived_business_seconds else arrived_calendar_seconds end
            as arrived_policy_seconds,
        case when sla_clock = 'business' then work_completed_business_seconds else work_completed_calendar_seconds end
            as work_completed_policy_seconds,
        case when sla_clock = 'business' then as_of_business_seconds else as_of_calendar_seconds end
            as as_of_policy_seconds
    from elapsed
),

final as (
    select
        ticket_id,
        branch_code,
        status,
        status <> 'cancelled' as is_valid,
        cast(opened_at as date) as opened_date,
        fault_level,
        sla_fault_level,
        sla_clock,
        response_target_minutes,
        arrival_target_minutes,
        resolution_target_minutes,
        opened_at,
        first_response_at,
        arrived_at,
        work_completed_at,
        cast(cast(first_response_calendar_seconds as double) / 60 as decimal(18, 4)) as first_response_calendar_minutes,
        cast(cast(first_response_business_seconds as double) / 60 as decimal(18, 4)) as first_response_business_minutes,
        cast(cast(arrived_calendar_seconds as double) / 60 as decimal(18, 4)) as arrived_calendar_minutes,
        cast(cast(arrived_business_seconds as double) / 60 as decimal(18, 4)) as arrived_business_minutes,
        cast(cast(work_completed_calendar_seconds as double) / 60 as decimal(18, 4)) as work_completed_calendar_minutes,
        cast(cast(work_completed_business_seconds as double) / 60 as decimal(18, 4)) as work_completed_business_minutes,
        case
            when sla_clock is null then null
            else coalesce(first_response_policy_seconds <= response_target_minutes * 60, false)
        end as is_response_sla_met,
        case
            when sla_clock is null then null
            else first_response_at is not null or as_of_policy_seconds >= response_target_minutes * 60
        end as is_response_outcome_known,
        case
            when sla_clock is null then null
            else coalesce(arrived_policy_seconds <= arrival_target_minutes * 60, false)
        end as is_arrival_sla_met,
        case
            when sla_clock is null then null
            else arrived_at is not null or as_of_policy_seconds >= arrival_target_minutes * 60
        end as is_arrival_outcome_known,
        case
            when sla_clock is null then null
            else coalesce(work_completed_policy_seconds <= resolution_target_minutes * 60, false)
        end as is_resolution_sla_met,
        case
            when sla_clock is null then null
            else work_completed_at is not null or as_of_policy_seconds >= resolution_target_minutes * 60
        end as is_resolution_outcome_known,
        _outcomes_as_of,
        {{ build_started_at() }} as _computed_at
    from on_policy_clock
)

select * from final
