{#- True when `expr` matches the regular expression `pattern` anywhere (anchor it with ^$). -#}
{% macro regex_match(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_match', 'aftersales')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regex_match(expr, pattern) -%}
    regexp_matches({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__regex_match(expr, pattern) -%}
    ({{ expr }} rlike '{{ pattern }}')
{%- endmacro %}
