{#- The semantic layer's technician fact: the labour days of employees whose role is
    technician (fct_labour_technician_days), one row per (employee_id, branch_code,
    date_day), with a single-column key for MetricFlow's primary entity. Feeds the
    technician-level open rate, labour efficiency and productivity index.
    Incremental on DuckDB: a refresh recomputes the days fct_labour_technician_days
    recomputed (kpi_days_incremental; no row is of the assets area). -#}
{{ kpi_days_incremental(code_column=none, contracted=true) }}

with labour_days as (
    select * from {{ ref('fct_labour_technician_days') }}
),

technician_days as (
    select
        employee_id,
        branch_code,
        date_day,
        shift_hours,
        job_share_hours,
        sold_hours_allocated
    from labour_days
    where is_technician
        {{ kpi_recomputed('date_day', keyword='and') }}
),

final as (
    select
        {{ concat_key(['employee_id', 'branch_code', 'date_day']) }} as technician_day_key,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(branch_code as {{ dbt.type_string() }}) as branch_code,
        cast(date_day as date) as date_day,
        cast(shift_hours as {{ type_kpi_measure() }}) as shift_hours,
        cast(job_share_hours as {{ type_kpi_measure() }}) as job_share_hours,
        cast(sold_hours_allocated as {{ type_kpi_measure() }}) as sold_hours_allocated
    from technician_days
)

select * from final
