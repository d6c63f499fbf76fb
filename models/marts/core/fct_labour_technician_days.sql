{#- Employee × branch × day: paired shift hours (shift start date, punch branch), job
    shares (job start date, punch branch) and the sold-hours split of delivered valid
    tickets (delivered date, ticket branch). Every employee who has any of the three;
    `is_technician` marks those whose role is technician.
    Incremental on DuckDB like the daily KPI facts: a refresh recomputes the days from
    int_builds_scoped.recompute_from on (kpi_days_incremental; no row is of the assets
    area). -#}
{{ kpi_days_incremental(by='day', code_column=none) }}
{%- set scope = kpi_scope() %}

with shifts as (
    select * from {{ ref('int_shifts_paired') }}
),

job_shares as (
    select * from {{ ref('int_job_shares_allocated') }}
),

sold_hours as (
    select * from {{ ref('int_sold_hours_allocated') }}
),

deliveries as (
    {{ delivered_work_orders() }}
),

technicians as (
    select * from {{ ref('stg_dms__technicians') }}
),

shift_rows as (
    select
        employee_id,
        branch_code,
        cast(started_at as date) as date_day,
        shift_hours,
        cast(0 as {{ type_kpi_measure() }}) as job_share_hours,
        cast(0 as {{ type_kpi_measure() }}) as sold_hours_allocated
    from shifts
    {{ kpi_recomputed('started_at', scope=scope) }}
),

job_rows as (
    select
        employee_id,
        branch_code,
        cast(started_at as date) as date_day,
        cast(0 as {{ type_kpi_measure() }}) as shift_hours,
        share_hours as job_share_hours,
        cast(0 as {{ type_kpi_measure() }}) as sold_hours_allocated
    from job_shares
    {{ kpi_recomputed('started_at', scope=scope) }}
),

sold_rows as (
    select
        sold_hours.employee_id,
        deliveries.branch_code,
        deliveries.date_day,
        cast(0 as {{ type_kpi_measure() }}) as shift_hours,
        cast(0 as {{ type_kpi_measure() }}) as job_share_hours,
        sold_hours.sold_hours_allocated
    from sold_hours
    inner join deliveries
        on sold_hours.ticket_id = deliveries.ticket_id
    where sold_hours.employee_id is not null
        {{ kpi_recomputed('deliveries.date_day', keyword='and', scope=scope) }}
),

combined as (
    {%- for rows in ['shift_rows', 'job_rows', 'sold_rows'] %}
    select
        employee_id,
        branch_code,
        date_day,
        cast(shift_hours as {{ type_kpi_measure() }}) as shift_hours,
        cast(job_share_hours as {{ type_kpi_measure() }}) as job_share_hours,
        cast(sold_hours_allocated as {{ type_kpi_measure() }}) as sold_hours_allocated
    from {{ rows }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

employee_days as (
    select
        employee_id,
        branch_code,
        date_day,
        sum(shift_hours) as shift_hours,
        sum(job_share_hours) as job_share_hours,
        sum(sold_hours_allocated) as sold_hours_allocated
    from combined
    group by
        employee_id,
        branch_code,
        date_day
),

final as (
    select
        employee_days.employee_id,
        employee_days.branch_code,
        employee_days.date_day,
        technicians.role,
        coalesce(technicians.role = 'technician', false) as is_technician,
        employee_days.shift_hours,
        employee_days.job_share_hours,
        employee_days.sold_hours_allocated
    from employee_days
    left join technicians
        on employee_days.employee_id = technicians.employee_id
)

select * from final
{{ full_build_order(['date_day']) }}
