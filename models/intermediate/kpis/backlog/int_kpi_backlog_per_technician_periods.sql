{#- backlog_per_technician (人员工单保有量), doc block kpi_backlog_per_technician; unit test
    unit_kpi_backlog_per_technician_periods_ratio. Per-period KPI model (interface in
    docs/architecture.md, "per-period KPI models"): per branch and period of every grain,
    numerator = open tickets at the end of the period's last snapshot day
    (int_backlog_days_counted, backlog_open); denominator = distinct technicians with a
    paired shift starting in the period at the branch (int_shifts_paired, shift_date,
    punch branch). A period gets a row when the branch has a backlog snapshot in it;
    no technician gives denominator 0 (value null). -#}

{{ config(tags=['kpi_period']) }}
{{ kpi_days_incremental(by='period') }}

with backlog_days as (
    select * from {{ ref('int_backlog_days_counted') }}
),

shifts as (
    select * from {{ ref('int_shifts_paired') }}
),

technicians as (
    select * from {{ ref('stg_dms__technicians') }}
),

open_days as (
    select
        branch_code,
        date_day,
        open_tickets
    from backlog_days
    where kpi_code = 'backlog_open'
),

open_day_periods as (
    {{ kpi_grain_periods('open_days', 'date_day', code='backlog_per_technician') }}
),

open_days_ranked as (
    select
        grain,
        period_start,
        branch_code,
        open_tickets,
        row_number() over (
            partition by grain, period_start, branch_code
            order by date_day desc
        ) as day_rank_desc
    from open_day_periods
),

period_backlog as (
    select
        grain,
        period_start,
        branch_code,
        open_tickets
    from open_days_ranked
    where day_rank_desc = 1
),

technician_shifts as (
    select
        shifts.branch_code,
        shifts.employee_id,
        shifts.shift_date
    from shifts
    inner join technicians
        on shifts.employee_id = technicians.employee_id
    where technicians.role = 'technician'
),

technician_shift_periods as (
    {{ kpi_grain_periods('technician_shifts', 'shift_date', code='backlog_per_technician') }}
),

period_technicians as (
    select
        grain,
        period_start,
        branch_code,
        count(distinct employee_id) as technicians
    from technician_shift_periods
    group by
        grain,
        period_start,
        branch_code
),

final as (
    select
        'backlog_per_technician' as kpi_code,
        period_backlog.grain,
        period_backlog.period_start,
        period_backlog.branch_code,
        cast(period_backlog.open_tickets as {{ type_kpi_measure() }}) as numerator,
        cast(coalesce(period_technicians.technicians, 0) as {{ type_kpi_measure() }}) as denominator
    from period_backlog
    left join period_technicians
        on period_backlog.grain = period_technicians.grain
        and period_backlog.period_start = period_technicians.period_start
        and period_backlog.branch_code = period_technicians.branch_code
)

select * from final
