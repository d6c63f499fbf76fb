{#- Branch scorecard detail: one row per branch, scorecard period (var('scorecard_grains'):
    month, quarter, year) and KPI that has a value and a target in kpi_values and a row
    in kpi_weights. kpi_score (s, 0..1):
    - higher is better (`>`, `>=`): clamp(value / target, 0, 1); with a target ≤ 0, 1 when
      value ≥ target, else 0;
    - lower is better (`<`, `<=`): 1 when value ≤ 0, else clamp(target / value, 0, 1).
    Doc block fct_branch_scorecard_kpis; unit test unit_fct_branch_scorecard_kpis_scores. -#}
{%- set grains = var('scorecard_grains') %}

with kpi_values as (
    select * from {{ ref('kpi_values') }}
),

kpi_weights as (
    select * from {{ ref('kpi_weights') }}
),

scorable as (
    select
        kpi_values.branch_code,
        kpi_values.grain,
        kpi_values.period_start,
        kpi_values.kpi_code,
        kpi_values.value,
        kpi_values.target,
        kpi_values.comparator,
        cast(kpi_values.target as double) as target_value,
        kpi_weights.weight
    from kpi_values
    inner join kpi_weights
        on kpi_values.kpi_code = kpi_weights.kpi_code
    where
        kpi_values.branch_code is not null
        and kpi_values.grain in ({% for grain in grains %}'{{ grain }}'{% if not loop.last %}, {% endif %}{% endfor %})
        and kpi_values.value is not null
        and kpi_values.target is not null
        and kpi_values.comparator in ('>', '>=', '<', '<=')
),

scored as (
    select
        branch_code,
        grain,
        period_start,
        kpi_code,
        value,
        target,
        comparator,
        weight,
        case
            when comparator in ('>', '>=') and target_value <= 0
                then case when value >= target_value then 1.0 else 0.0 end
            when comparator in ('>', '>=')
                then least(greatest(value / target_value, 0.0), 1.0)
            when value <= 0
                then 1.0
            else least(greatest(target_value / value, 0.0), 1.0)
        end as kpi_score
    from scorable
),

final as (
    select
        cast(branch_code as {{ dbt.type_string() }}) as branch_code,
        cast(grain as {{ dbt.type_string() }}) as grain,
        cast(period_start as date) as period_start,
        cast(kpi_code as {{ dbt.type_string() }}) as kpi_code,
        cast(value as double) as value,
        cast(target as decimal(18, 4)) as target,
        cast(comparator as {{ dbt.type_string() }}) as comparator,
        cast(weight as decimal(18, 4)) as weight,
        cast(kpi_score as double) as kpi_score,
        cast(weight as double) * cast(kpi_score as double) as weighted_score
    from scored
)

select * from final
