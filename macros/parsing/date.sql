{#- Dates: `YYYY-MM-DD` only (shape checked before the cast). -#}

{% macro date_pattern() -%}
    ^[0-9]{4}-[0-9]{2}-[0-9]{2}$
{%- endmacro %}

{% macro parse_date(col) -%}
    case
        when {{ regex_match('trim(' ~ col ~ ')', date_pattern()) }}
            then {{ try_cast('trim(' ~ col ~ ')', 'date') }}
    end
{%- endmacro %}

{#- Reason for a date column: missing_required:<col> when empty (and required),
    unparseable_date:<col> when it does not parse. -#}
{% macro reason_date(col, required=false) -%}
    case
        when {{ is_blank(col) }} then {{ "'missing_required:" ~ col ~ "'" if required else 'null' }}
        when {{ parse_date(col) }} is null then 'unparseable_date:{{ col }}'
    end
{%- endmacro %}
