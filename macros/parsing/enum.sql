{#- Enumerated codes: case-insensitive and trimmed on input, lower-cased on output. -#}

{#- The normalised code (lower-cased, trimmed, empty → null), whether or not it is valid. -#}
{% macro parse_code(col) -%}
    lower(nullif(trim({{ col }}), ''))
{%- endmacro %}

{#- Reason for an enumerated column: missing_required:<col> when empty (and required),
    invalid_code:<col> when the normalised code is not one of `values` (lower-case). -#}
{% macro reason_code(col, values, required=true) -%}
    case
        when {{ is_blank(col) }} then {{ "'missing_required:" ~ col ~ "'" if required else 'null' }}
        when {{ parse_code(col) }} not in (
            {%- for value in values %}'{{ value }}'{{ ', ' if not loop.last }}{% endfor -%}
        ) then 'invalid_code:{{ col }}'
    end
{%- endmacro %}
