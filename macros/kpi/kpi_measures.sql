{#- Data type of the numerators and denominators of every KPI model. -#}
{% macro type_kpi_measure() -%}
    decimal(38, 6)
{%- endmacro %}

{#- A successful follow-up (raw contract): reached on phone or WeChat. Voicemail,
    letters and SMS never count. -#}
{% macro is_successful_follow_up(channel, outcome) -%}
    ({{ outcome }} = 'reached' and {{ channel }} in ('phone', 'wechat'))
{%- endmacro %}

{#- The select of a KPI model's `final` CTE: the interface every KPI model has (the
    kpi_interface test), one row per branch and day (kpi_daily_measures) or per grain,
    period_start and branch (kpi_period_measures) of the CTE `relation`: kpi_code, the
    keys, numerator and denominator as type_kpi_measure(). `numerator` and `denominator`
    are aggregates over the group's rows, e.g. kpi_daily_measures('reminder_rate',
    'booked_ahead', 'sum(is_reminded)', 'count(*)'); a count or amount KPI has the
    denominator 'null'. -#}
{% macro kpi_daily_measures(kpi_code, relation, numerator, denominator) -%}
    {{ kpi_days_incremental() }}
    {{- kpi_measures_by(kpi_grain_columns('daily'), kpi_code, relation, numerator, denominator, kpi_recomputed('date_day', code=kpi_code)) }}
{%- endmacro %}

{% macro kpi_period_measures(kpi_code, relation, numerator, denominator) -%}
    {{ kpi_measures_by(kpi_grain_columns('periods'), kpi_code, relation, numerator, denominator) }}
{%- endmacro %}

{#- The grain columns of a KPI model after kpi_code, in output order: 'daily' models
    (int_kpi_<code>_daily) or 'periods' models (int_kpi_<code>_periods). -#}
{% macro kpi_grain_columns(interface) -%}
    {%- set grains = {
        'daily': ['branch_code', 'date_day'],
        'periods': ['grain', 'period_start', 'branch_code'],
    } -%}
    {%- if interface not in grains -%}
        {{ exceptions.raise_compiler_error("kpi_grain_columns: interface must be daily or periods, got " ~ interface) }}
    {%- endif -%}
    {{ return(grains[interface]) }}
{%- endmacro %}

{#- `where`: an optional where clause on the rows of `relation` (the days an incremental
    run recomputes, kpi_recomputed). -#}
{% macro kpi_measures_by(keys, kpi_code, relation, numerator, denominator, where='') -%}
    select
        '{{ kpi_code }}' as kpi_code,
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        cast({{ numerator }} as {{ type_kpi_measure() }}) as numerator,
        cast({{ denominator }} as {{ type_kpi_measure() }}) as denominator
    from {{ relation }}
    {%- if where %}
    {{ where }}
    {%- endif %}
    group by
        {{ keys | join(',\n        ') }}
{%- endmacro %}

{#- The number of rows of the group for which `condition` holds (0 when none does), for
    a KPI's numerator: kpi_daily_measures(..., count_where('is_reworked'), ...). -#}
{% macro count_where(condition) -%}
    sum(case when {{ condition }} then 1 else 0 end)
{%- endmacro %}
