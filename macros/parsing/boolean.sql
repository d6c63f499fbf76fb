{#- Booleans: true/false, 1/0, y/n, yes/no, t/f in any case, spaces ignored.
    An empty value is null when the column is nullable and false otherwise; any other
    value parses to null and is reported by reason_boolean. -#}

{% macro parse_boolean(col, nullable=false) -%}
    case
        when {{ is_blank(col) }} then {{ 'cast(null as boolean)' if nullable else 'false' }}
        when lower(trim({{ col }})) in ('true', '1', 'y', 'yes', 't') then true
        when lower(trim({{ col }})) in ('false', '0', 'n', 'no', 'f') then false
    end
{%- endmacro %}

{#- Reason for a boolean column: never missing (empty has a meaning), only unparseable. -#}
{% macro reason_boolean(col) -%}
    case
        when {{ is_blank(col) }} then null
        when lower(trim({{ col }})) not in (
            'true', '1', 'y', 'yes', 't', 'false', '0', 'n', 'no', 'f'
        ) then 'unparseable_boolean:{{ col }}'
    end
{%- endmacro %}
