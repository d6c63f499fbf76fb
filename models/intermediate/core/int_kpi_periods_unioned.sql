{#- Every per-period KPI model of the registry (kpi_period_models() in
    macros/kpi/kpi_registry.sql), one row per (kpi_code, grain, period_start,
    branch_code). Doc block int_kpi_periods_unioned. -#}
{{ assert_kpi_registry_complete() }}
{%- set period_models = kpi_period_models() %}

with
{% for model_name in period_models %}
{{ model_name }} as (
    select * from {{ ref(model_name) }}
),
{% endfor %}

unioned as (
    {%- for model_name in period_models %}
    select
        cast(kpi_code as {{ dbt.type_string() }}) as kpi_code,
        cast(grain as {{ dbt.type_string() }}) as grain,
        cast(period_start as date) as period_start,
        cast(branch_code as {{ dbt.type_string() }}) as branch_code,
        cast(numerator as {{ type_kpi_measure() }}) as numerator,
        cast(denominator as {{ type_kpi_measure() }}) as denominator
    from {{ model_name }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    {#- no per-period model registered: an empty relation with the same columns #}
    select
        cast(null as {{ dbt.type_string() }}) as kpi_code,
        cast(null as {{ dbt.type_string() }}) as grain,
        cast(null as date) as period_start,
        cast(null as {{ dbt.type_string() }}) as branch_code,
        cast(null as {{ type_kpi_measure() }}) as numerator,
        cast(null as {{ type_kpi_measure() }}) as denominator
    where 1 = 0
    {%- endfor %}
),

final as (
    select
        kpi_code,
        grain,
        period_start,
        branch_code,
        numerator,
        denominator
    from unioned
)

select * from final
