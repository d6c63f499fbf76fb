{#- Numbers. Decimals use `.` as the decimal mark and have no thousands separators
    (`1,200.50` and `1,5` are rejected); a sign is accepted so that a negative value is
    reported as negative_value:<col> rather than as unparseable. Integers are digits with
    an optional sign. -#}

{% macro decimal_pattern() -%}
    ^[+-]?([0-9]+|[0-9]*[.][0-9]+)$
{%- endmacro %}

{% macro integer_pattern() -%}
    ^[+-]?[0-9]+$
{%- endmacro %}

{% macro parse_decimal(col) -%}
    case
        when {{ regex_match('trim(' ~ col ~ ')', decimal_pattern()) }}
            then {{ try_cast('trim(' ~ col ~ ')', 'decimal(18,4)') }}
    end
{%- endmacro %}

{% macro parse_integer(col) -%}
    case
        when {{ regex_match('trim(' ~ col ~ ')', integer_pattern()) }}
            then {{ try_cast('trim(' ~ col ~ ')', 'integer') }}
    end
{%- endmacro %}

{#- Reason for a decimal column: missing_required:<col> when empty (and required),
    unparseable_number:<col> when it does not parse (bad shape or out of range). -#}
{% macro reason_decimal(col, required=true) -%}
    case
        when {{ is_blank(col) }} then {{ "'missing_required:" ~ col ~ "'" if required else 'null' }}
        when {{ parse_decimal(col) }} is null then 'unparseable_number:{{ col }}'
    end
{%- endmacro %}

{% macro reason_integer(col, required=true) -%}
    case
        when {{ is_blank(col) }} then {{ "'missing_required:" ~ col ~ "'" if required else 'null' }}
        when {{ parse_integer(col) }} is null then 'unparseable_number:{{ col }}'
    end
{%- endmacro %}
