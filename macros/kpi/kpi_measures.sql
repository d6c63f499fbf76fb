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
    {{ kpi_measures_by(['branch_code', 'date_day'], kpi_code, relation, numerator, denominator) }}
{%- endmacro %}

{% macro kpi_period_measures(kpi_code, relation, numerator, denominator) -%}
    {{ kpi_measures_by(['grain', 'period_start', 'branch_code'], kpi_code, relation, numerator, denominator) }}
{%- endmacro %}

{% macro kpi_measures_by(keys, kpi_code, relation, numerator, denominator) -%}
    select
        '{{ kpi_code }}' as kpi_code,
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        cast({{ numerator }} as {{ type_kpi_measure() }}) as numerator,
        cast({{ denominator }} as {{ type_kpi_measure() }}) as denominator
    from {{ relation }}
    group by
        {{ keys | join(',\n        ') }}
{%- endmacro %}

{#- The number of rows of the group for which `condition` holds (0 when none does), for
    a KPI's numerator: kpi_daily_measures(..., count_where('is_reworked'), ...). -#}
{% macro count_where(condition) -%}
    sum(case when {{ condition }} then 1 else 0 end)
{%- endmacro %}
