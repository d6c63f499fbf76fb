{#- Branch-local wall-clock timestamps are stored without time zone on every engine. -#}
{% macro type_local_timestamp() -%}
    {{ return(adapter.dispatch('type_local_timestamp', 'aftersales')()) }}
{%- endmacro %}

{% macro default__type_local_timestamp() -%}
    timestamp
{%- endmacro %}

{% macro spark__type_local_timestamp() -%}
    timestamp_ntz
{%- endmacro %}
