{#- Text parsing for the raw DMS columns (every raw column is text).
    An empty field is null, and leading/trailing spaces are not significant. -#}

{#- True when the raw value is null, empty or only spaces. -#}
{% macro is_blank(col) -%}
    (nullif(trim({{ col }}), '') is null)
{%- endmacro %}

{#- Trimmed text; empty → null. Used for ids, codes that are not enumerated and names. -#}
{% macro parse_text(col) -%}
    nullif(trim({{ col }}), '')
{%- endmacro %}

{#- Reason when a required text column is empty. -#}
{% macro reason_required(col) -%}
    case when {{ is_blank(col) }} then 'missing_required:{{ col }}' end
{%- endmacro %}

{#- Reason when the primary key is empty. -#}
{% macro reason_primary_key(col) -%}
    case when {{ is_blank(col) }} then 'missing_primary_key' end
{%- endmacro %}
