{#- Business-hours calendar per branch (doc block int_branch_business_days_accumulated;
    unit test unit_branch_business_days_accumulated_calendar). One row per branch and
    local date from the earliest to the latest date any ticket timestamp or as_of
    touches. A date is a business day when its ISO weekday is in the branch's
    open_weekdays and it is not a holiday (holidays seed: branch_code null = every
    branch). `business_minutes_before` is the prefix sum of the business minutes of the
    branch's earlier dates, so the business minutes between two timestamps are a
    difference of two cumulative values (int_work_orders_sla_measured): no per-minute
    or per-day explosion per ticket. -#}

with branches as (
    select * from {{ ref('stg_dms__branches') }}
),

tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

holidays as (
    select * from {{ ref('holidays') }}
),

as_of as (
    select * from {{ ref('int_as_of_resolved') }}
),

ticket_dates as (
    select cast(opened_at as date) as date_day from tickets
    union all
    select cast(first_response_at as date) as date_day from tickets
    union all
    select cast(arrived_at as date) as date_day from tickets
    union all
    select cast(work_completed_at as date) as date_day from tickets
    union all
    select cast(as_of as date) as date_day from as_of
),

date_bounds as (
    select
        min(date_day) as first_day,
        max(date_day) as last_day
    from ticket_dates
),

days as (
    {{ kpi_date_spine(
        '(select first_day from date_bounds)',
        '(select last_day from date_bounds)'
    ) }}
),

days_numbered as (
    select
        date_day,
        cast(
            floor({{ local_to_epoch('cast(date_day as ' ~ type_local_timestamp() ~ ')', "'UTC'") }} / 86400)
            as bigint
        ) as epoch_day
    from days
),

days_weekday as (
    select
        date_day,
        {#- 1970-01-01 was a Thursday (ISO weekday 4) -#}
        cast((epoch_day % 7 + 10) % 7 + 1 as integer) as iso_weekday
    from days_numbered
),

branch_hours as (
    select
        branch_code,
        open_weekdays,
        cast(substring(opens_at, 1, 2) as integer) * 60
        + cast(substring(opens_at, 4, 2) as integer) as open_minute,
        cast(substring(closes_at, 1, 2) as integer) * 60
        + cast(substring(closes_at, 4, 2) as integer) as close_minute_raw
    from branches
),

branch_holidays as (
    select distinct
        branch_hours.branch_code,
        cast(holidays.holiday_date as date) as holiday_date
    from holidays
    inner join branch_hours
        on holidays.branch_code is null
        or holidays.branch_code = branch_hours.branch_code
),

branch_days as (
    select
        branch_hours.branch_code,
        days_weekday.date_day,
        days_weekday.iso_weekday,
        branch_hours.open_minute,
        {#- closing at or before opening: an empty window -#}
        case
            when branch_hours.close_minute_raw > branch_hours.open_minute
                then branch_hours.close_minute_raw
            else branch_hours.open_minute
        end as close_minute,
        branch_hours.open_weekdays like {{ dbt.concat([
            "'%'",
            'cast(days_weekday.iso_weekday as ' ~ dbt.type_string() ~ ')',
            "'%'",
        ]) }} as is_open_weekday,
        branch_holidays.holiday_date is not null as is_holiday
    from branch_hours
    cross join days_weekday
    left join branch_holidays
        on branch_hours.branch_code = branch_holidays.branch_code
        and days_weekday.date_day = branch_holidays.holiday_date
),

business_days as (
    select
        branch_code,
        date_day,
        iso_weekday,
        is_open_weekday,
        is_holiday,
        is_open_weekday and not is_holiday as is_business_day,
        open_minute,
        close_minute,
        case
            when is_open_weekday and not is_holiday then close_minute - open_minute
            else 0
        end as business_minutes
    from branch_days
),

final as (
    select
        branch_code,
        date_day,
        iso_weekday,
        is_open_weekday,
        is_holiday,
        is_business_day,
        open_minute,
        close_minute,
        business_minutes,
        cast(
            sum(business_minutes) over (
                partition by branch_code
                order by date_day
                rows between unbounded preceding and current row
            ) - business_minutes
            as bigint
        ) as business_minutes_before
    from business_days
)

select * from final
