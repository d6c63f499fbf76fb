{#- The whole body of int_kpi_daily_unioned and int_kpi_periods_unioned: every model of
    `model_names` stacked, with kpi_code and the grain columns of its `interface`
    ('daily' or 'periods', kpi_grain_columns) as text, or date for date_day and
    period_start, and numerator and denominator as type_kpi_measure(), so that every KPI
    model contributes the same columns. With no model, an empty relation with those
    columns. Emits a complete select statement ending in `select * from final`.
    The daily stack is incremental like its models (kpi_days_incremental): an incremental
    run stacks only the days it recomputes. -#}
{% macro kpi_models_unioned(model_names, interface) -%}
{%- set keys = [] -%}
{%- for column in ['kpi_code'] + kpi_grain_columns(interface) -%}
    {%- do keys.append((column, 'date' if column in ('date_day', 'period_start') else dbt.type_string())) -%}
{%- endfor %}
{%- if interface == 'daily' %}
{{ kpi_days_incremental() }}
{%- set scope = kpi_scope() %}
{%- endif %}
with
{% for model_name in model_names %}
{{ model_name }} as (
    select * from {{ ref(model_name) }}
),
{% endfor %}

unioned as (
    {%- for model_name in model_names %}
    select
        {%- for column, type in keys %}
        cast({{ column }} as {{ type }}) as {{ column }},
        {%- endfor %}
        cast(numerator as {{ type_kpi_measure() }}) as numerator,
        cast(denominator as {{ type_kpi_measure() }}) as denominator
    from {{ model_name }}
    {%- if interface == 'daily' %}
    {{ kpi_recomputed('date_day', code=model_name[8:-6], scope=scope) }}
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    {#- no model registered: an empty relation with the same columns #}
    select
        {%- for column, type in keys %}
        cast(null as {{ type }}) as {{ column }},
        {%- endfor %}
        cast(null as {{ type_kpi_measure() }}) as numerator,
        cast(null as {{ type_kpi_measure() }}) as denominator
    where 1 = 0
    {%- endfor %}
),

final as (
    select
        {%- for column, type in keys %}
        {{ column }},
        {%- endfor %}
        numerator,
        denominator
    from unioned
)

select * from final
{%- endmacro %}
