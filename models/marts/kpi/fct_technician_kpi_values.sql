{#- Technician-level open_rate, labor_efficiency and productivity_index (role technician
    only) at every grain: per technician and branch (the punch branch for hours, the
    ticket's branch for sold hours), and per technician over all branches (branch_code
    null). Sold hours are the sold-hours split of delivered valid tickets by delivered
    date. `is_all_branches` flags the over-all-branches rows, so that a query summing
    per-branch rows can leave them out.
    Incremental on DuckDB like kpi_values: a refresh rolls up again only the periods that
    hold a recomputed day (kpi_days_incremental; the labour KPIs are not of the assets
    area, so the facts' first recomputed day applies). -#}
{{ kpi_days_incremental(by='period') }}
{%- set scope = kpi_scope() %}

with labour_days as (
    select * from {{ ref('fct_labour_technician_days') }}
),

kpi_definitions as (
    select * from {{ ref('kpi_definitions') }}
),

kpi_targets as (
    select * from {{ ref('kpi_targets') }}
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
        {{ kpi_recomputed('date_day', kind='period_days', grain=kpi_rollup_day_grains(), keyword='and', scope=scope) }}
),

measures as (
    select
        'open_rate' as kpi_code,
        employee_id,
        branch_code,
        date_day,
        job_share_hours as numerator,
        shift_hours as denominator
    from technician_days
    union all
    select
        'labor_efficiency' as kpi_code,
        employee_id,
        branch_code,
        date_day,
        sold_hours_allocated as numerator,
        job_share_hours as denominator
    from technician_days
    union all
    select
        'productivity_index' as kpi_code,
        employee_id,
        branch_code,
        date_day,
        sold_hours_allocated as numerator,
        shift_hours as denominator
    from technician_days
),

daily as (
    select
        measures.kpi_code,
        kpi_definitions.kind,
        measures.employee_id,
        measures.branch_code,
        measures.date_day,
        measures.numerator,
        measures.denominator
    from measures
    inner join kpi_definitions
        on measures.kpi_code = kpi_definitions.kpi_code
),

{%- if scope is not none %}

{#- the month rows this build keeps, as in kpi_values -#}
stored_months as (
    {{ kpi_stored_months(scope, keys=['employee_id']) }}
),
{%- endif %}

{{ kpi_rollup('daily', keys=['employee_id'], scope=scope, stored='stored_months' if scope is not none else none) }},

valued as (
    select
        kpi_rolled_up.kpi_code,
        kpi_rolled_up.grain,
        kpi_rolled_up.period_start,
        kpi_rolled_up.employee_id,
        kpi_rolled_up.branch_code,
        kpi_rolled_up.numerator,
        kpi_rolled_up.denominator,
        {{ kpi_value('kpi_rolled_up.kind', 'kpi_rolled_up.numerator', 'kpi_rolled_up.denominator', 'kpi_definitions.scale') }} as value,
        {{ kpi_period_end('kpi_rolled_up.grain', 'kpi_rolled_up.period_start') }} as period_end
    from kpi_rolled_up
    inner join kpi_definitions
        on kpi_rolled_up.kpi_code = kpi_definitions.kpi_code
    {{ kpi_recomputed('kpi_rolled_up.period_start', kind='period', grain='kpi_rolled_up.grain', scope=scope) }}
),

final as (
    select
        cast(valued.kpi_code as {{ dbt.type_string() }}) as kpi_code,
        cast(valued.grain as {{ dbt.type_string() }}) as grain,
        cast(valued.period_start as date) as period_start,
        cast(valued.employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(valued.branch_code as {{ dbt.type_string() }}) as branch_code,
        cast(valued.numerator as {{ type_kpi_measure() }}) as numerator,
        cast(valued.denominator as {{ type_kpi_measure() }}) as denominator,
        cast(valued.value as double) as value,
        {{ kpi_target_columns('valued.value', 'kpi_targets') }},
        cast(valued.branch_code is null as boolean) as is_all_branches,
        valued.period_end
    from valued
    left join kpi_targets
        on {{ kpi_target_applies('kpi_targets', 'valued.kpi_code', 'valued.grain') }}
)

select * from final
{{ full_build_order(['period_end']) }}
