{#- Quarantine reasons. Every check is an expression that yields a reason text or null;
    the reasons that apply are joined with `;` in the order given, and a row without any
    reason gets null (concat_ws skips nulls on DuckDB and Spark alike). -#}

{% macro collect_reasons(checks) -%}
    nullif(concat_ws(';',
        {%- for check in checks %}
        {{ check }}{{ ',' if not loop.last }}
        {%- endfor %}
    ), '')
{%- endmacro %}

{#- A reason text when `condition` is true, else null. -#}
{% macro reason_if(condition, reason) -%}
    case when {{ condition }} then '{{ reason }}' end
{%- endmacro %}
