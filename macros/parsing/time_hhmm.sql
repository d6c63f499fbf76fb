{#- Times of day `HH:MM` (00:00–23:59), kept as text. -#}

{% macro time_hhmm_pattern() -%}
    ^([01][0-9]|2[0-3]):[0-5][0-9]$
{%- endmacro %}

{% macro parse_time_hhmm(col) -%}
    case
        when {{ regex_match('trim(' ~ col ~ ')', time_hhmm_pattern()) }} then trim({{ col }})
    end
{%- endmacro %}

{#- Reason for a time column: missing_required:<col> when empty (and required),
    unparseable_time:<col> when it is not HH:MM. -#}
{% macro reason_time_hhmm(col, required=true) -%}
    case
        when {{ is_blank(col) }} then {{ "'missing_required:" ~ col ~ "'" if required else 'null' }}
        when {{ parse_time_hhmm(col) }} is null then 'unparseable_time:{{ col }}'
    end
{%- endmacro %}

{#- ISO weekdays as a string of digits 1–7, e.g. `123456`. -#}
{% macro weekdays_pattern() -%}
    ^[1-7]+$
{%- endmacro %}

{% macro parse_weekdays(col) -%}
    case
        when {{ regex_match('trim(' ~ col ~ ')', weekdays_pattern()) }} then trim({{ col }})
    end
{%- endmacro %}

{% macro reason_weekdays(col, required=true) -%}
    case
        when {{ is_blank(col) }} then {{ "'missing_required:" ~ col ~ "'" if required else 'null' }}
        when {{ parse_weekdays(col) }} is null then 'invalid_code:{{ col }}'
    end
{%- endmacro %}
