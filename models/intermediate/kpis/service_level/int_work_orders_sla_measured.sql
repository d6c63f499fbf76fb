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
      (prefix sum) plus the part of t's own date's window before t; elapsed business
      time between two timestamps is the difference of their cumulative values.
    - An event before opened_at (e.g. a customer who arrived before the order was
      opened) gives negative elapsed time, which is within any target.
    - Met: the event happened and its elapsed time on the policy's clock is at most the
      target. Known outcome: the event happened, or the elapsed time from opened_at to
      as_of (read in the branch's zone) reached the target. -#}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
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
        as_of.as_of,
        branches.timezone
    from tickets
    inner join branches
        on tickets.branch_code = branches.branch_code
    cross join default_policy
    cross join as_of
),

{#- one row per ticket and instant, to look each instant up in the calendar once -#}
instants as (
    select ticket_id, branch_code, timezone, 'opened' as instant_name, opened_at as instant_at
    from ticket_policies
    union all
    select ticket_id, branch_code, timezone, 'first_response' as instant_name, first_response_at as instant_at
    from ticket_policies
    where first_response_at is not null
    union all
    select ticket_id, branch_code, timezone, 'arrived' as instant_name, arrived_at as instant_at
    from ticket_policies
    where arrived_at is not null
    union all
    select ticket_id, branch_code, timezone, 'work_completed' as instant_name, work_completed_at as instant_at
    from ticket_policies
    where work_completed_at is not null
    union all
    select ticket_id, branch_code, timezone, 'as_of' as instant_name, as_of as instant_at
    from ticket_policies
),

instants_located as (
    select
        instants.ticket_id,
        instants.instant_name,
        {{ local_to_epoch('instants.instant_at', 'instants.timezone') }} as instant_epoch,
        {{ local_to_epoch('instants.instant_at', "'UTC'") }}
        - {{ local_to_epoch('cast(cast(instants.instant_at as date) as ' ~ type_local_timestamp() ~ ')', "'UTC'") }}
            as second_of_day,
        business_days.is_business_day,
        business_days.open_minute,
        business_days.close_minute,
        business_days.business_minutes_before
    from instants
    left join business_days
        on instants.branch_code = business_days.branch_code
        and cast(instants.instant_at as date) = business_days.date_day
),

instants_accumulated as (
    select
        ticket_id,
        instant_name,
        instant_epoch,
        business_minutes_before * 60
        + case
            when not is_business_day then 0
            when second_of_day <= open_minute * 60 then 0
            when second_of_day >= close_minute * 60 then (close_minute - open_minute) * 60
            else second_of_day - open_minute * 60
        end as business_seconds_cumulative
    from instants_located
),

instants_pivoted as (
    select
        ticket_id,
        max(case when instant_name = 'opened' then instant_epoch end) as opened_epoch,
        max(case when instant_name = 'first_response' then instant_epoch end) as first_response_epoch,
        max(case when instant_name = 'arrived' then instant_epoch end) as arrived_epoch,
        max(case when instant_name = 'work_completed' then instant_epoch end) as work_completed_epoch,
        max(case when instant_name = 'as_of' then instant_epoch end) as as_of_epoch,
        max(case when instant_name = 'opened' then business_seconds_cumulative end) as opened_business_seconds,
        max(case when instant_name = 'first_response' then business_seconds_cumulative end) as first_response_business_seconds,
        max(case when instant_name = 'arrived' then business_seconds_cumulative end) as arrived_business_seconds,
        max(case when instant_name = 'work_completed' then business_seconds_cumulative end) as work_completed_business_seconds,
        max(case when instant_name = 'as_of' then business_seconds_cumulative end) as as_of_business_seconds
    from instants_accumulated
    group by ticket_id
),

elapsed as (
    select
        ticket_policies.ticket_id,
        ticket_policies.branch_code,
        ticket_policies.status,
        ticket_policies.fault_level,
        ticket_policies.sla_fault_level,
        sla_policies.clock as sla_clock,
        sla_policies.response_minutes as response_target_minutes,
        sla_policies.arrival_minutes as arrival_target_minutes,
        sla_policies.resolution_minutes as resolution_target_minutes,
        ticket_policies.opened_at,
        ticket_policies.first_response_at,
        ticket_policies.arrived_at,
        ticket_policies.work_completed_at,
        instants_pivoted.first_response_epoch - instants_pivoted.opened_epoch as first_response_calendar_seconds,
        instants_pivoted.arrived_epoch - instants_pivoted.opened_epoch as arrived_calendar_seconds,
        instants_pivoted.work_completed_epoch - instants_pivoted.opened_epoch as work_completed_calendar_seconds,
        instants_pivoted.as_of_epoch - instants_pivoted.opened_epoch as as_of_calendar_seconds,
        instants_pivoted.first_response_business_seconds
        - instants_pivoted.opened_business_seconds as first_response_business_seconds,
        instants_pivoted.arrived_business_seconds
        - instants_pivoted.opened_business_seconds as arrived_business_seconds,
        instants_pivoted.work_completed_business_seconds
        - instants_pivoted.opened_business_seconds as work_completed_business_seconds,
        instants_pivoted.as_of_business_seconds
        - instants_pivoted.opened_business_seconds as as_of_business_seconds
    from ticket_policies
    inner join instants_pivoted
        on ticket_policies.ticket_id = instants_pivoted.ticket_id
    left join sla_policies
        on ticket_policies.sla_fault_level = sla_policies.fault_level
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
        cast(cast(as_of_calendar_seconds as double) / 60 as decimal(18, 4)) as as_of_calendar_minutes,
        cast(cast(as_of_business_seconds as double) / 60 as decimal(18, 4)) as as_of_business_minutes,
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
        end as is_resolution_outcome_known
    from on_policy_clock
)

select * from final
