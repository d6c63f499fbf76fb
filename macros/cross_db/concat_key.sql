{#- A single-column key made of several columns: their text joined with '|', as a
    string on every engine (dbt.concat), e.g. concat_key(['kpi_code', 'branch_code',
    'date_day']) for MetricFlow's primary entity of a multi-column grain. -#}
{% macro concat_key(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- if not loop.first %}{% do parts.append("'|'") %}{% endif -%}
        {%- do parts.append('cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')') -%}
    {%- endfor -%}
    cast({{ dbt.concat(parts) }} as {{ dbt.type_string() }})
{%- endmacro %}
