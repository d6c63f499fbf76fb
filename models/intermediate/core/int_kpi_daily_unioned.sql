{#- Every daily KPI model of the registry (macros/kpi/kpi_registry.sql), one row per
    (kpi_code, branch_code, date_day). -#}
{{ assert_kpi_registry_complete() }}

with
{% for model_name in kpi_daily_models() %}
{{ model_name }} as (
    select * from {{ ref(model_name) }}
),
{% endfor %}

unioned as (
    {%- for model_name in kpi_daily_models() %}
    select
        cast(kpi_code as {{ dbt.type_string() }}) as kpi_code,
        cast(branch_code as {{ dbt.type_string() }}) as branch_code,
        cast(date_day as date) as date_day,
        cast(numerator as {{ type_kpi_measure() }}) as numerator,
        cast(denominator as {{ type_kpi_measure() }}) as denominator
    from {{ model_name }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        kpi_code,
        branch_code,
        date_day,
        numerator,
        denominator
    from unioned
)

select * from final
