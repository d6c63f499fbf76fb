{#- Data type of the numerators and denominators of every KPI model. -#}
{% macro type_kpi_measure() -%}
    decimal(38, 6)
{%- endmacro %}

{#- A successful follow-up (raw contract): reached on phone or WeChat. Voicemail,
    letters and SMS never count. -#}
{% macro is_successful_follow_up(channel, outcome) -%}
    ({{ outcome }} = 'reached' and {{ channel }} in ('phone', 'wechat'))
{%- endmacro %}
