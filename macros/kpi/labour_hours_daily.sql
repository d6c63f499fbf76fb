{#- Hours of the labour KPIs, per row with its branch_code and date_day:

    technician_shifts(): technicians' paired shifts (int_shifts_paired of employees whose
    stg_dms__technicians role is 'technician'; advisors and unknown employees are left
    out), by shift start date at the punch branch: branch_code, date_day, employee_id,
    hours (shift_hours).

    technician_job_shares(): technicians' job shares (int_job_shares_allocated, same
    filter), by job start date at the punch branch: branch_code, date_day, employee_id,
    hours (share_hours).

    delivered_sold_hours(): sold hours of D(P) (delivered_work_orders), by delivered date
    at the work order's branch: branch_code, date_day, hours (a missing sold_hours adds 0).

    All three emit a select statement (use it as the body of a CTE).

    kpi_labour_hours_ratio_daily(kpi_code, numerator, denominator): Σ hours of one input
    / Σ hours of another, each summed at its own branch and date; `numerator` and
    `denominator` name the inputs: 'sold_hours', 'job_share_hours' or 'shift_hours'
    (labor_efficiency, productivity_index, open_rate). A day with hours on one side only
    gets 0 on the other. Emits a complete select statement ending in
    `select * from final`. -#}

{% macro technician_shifts() -%}
    {{ technician_hours('int_shifts_paired', 'shift_hours') }}
{%- endmacro %}

{% macro technician_job_shares() -%}
    {{ technician_hours('int_job_shares_allocated', 'share_hours') }}
{%- endmacro %}

{#- Rows of the labour pairs model `pairs_model` (started_at, branch_code, employee_id)
    whose employee is a technician, by start date at the punch branch, with
    `hours_column` as hours. -#}
{% macro technician_hours(pairs_model, hours_column) -%}
    select
        pairs.branch_code,
        cast(pairs.started_at as date) as date_day,
        pairs.employee_id,
        pairs.{{ hours_column }} as hours
    from {{ ref(pairs_model) }} as pairs
    inner join {{ ref('stg_dms__technicians') }} as technicians
        on pairs.employee_id = technicians.employee_id
    where technicians.role = 'technician'
{%- endmacro %}

{% macro delivered_sold_hours() -%}
    select
        deliveries.branch_code,
        deliveries.date_day,
        coalesce(deliveries.sold_hours, 0) as hours
    from ({{ delivered_work_orders() }}) as deliveries
{%- endmacro %}

{% macro kpi_labour_hours_ratio_daily(kpi_code, numerator, denominator) -%}
{%- set inputs = {
    'sold_hours': delivered_sold_hours,
    'job_share_hours': technician_job_shares,
    'shift_hours': technician_shifts,
} -%}
{%- for side in [numerator, denominator] if side not in inputs -%}
    {{ exceptions.raise_compiler_error("kpi_labour_hours_ratio_daily: numerator and denominator must be one of " ~ (inputs.keys() | list) ~ ", got " ~ side) }}
{%- endfor %}

with numerator_hours as (
    {{ inputs[numerator]() }}
),

denominator_hours as (
    {{ inputs[denominator]() }}
),

combined as (
    select
        branch_code,
        date_day,
        cast(hours as {{ type_kpi_measure() }}) as numerator,
        cast(0 as {{ type_kpi_measure() }}) as denominator
    from numerator_hours
    union all
    select
        branch_code,
        date_day,
        cast(0 as {{ type_kpi_measure() }}) as numerator,
        cast(hours as {{ type_kpi_measure() }}) as denominator
    from denominator_hours
),

final as (
    {{ kpi_daily_measures(kpi_code, 'combined', 'sum(numerator)', 'sum(denominator)') }}
)

select * from final
{%- endmacro %}
