{#- Timestamps: branch-local wall clock `YYYY-MM-DD HH:MM[:SS]`, `T` accepted instead of
    the space. The shape is checked first, so values that a database cast would accept
    in another shape (a bare date, `2025/03/01 08:00`, an offset) are rejected; then the
    value is cast as it is, which rejects impossible dates such as 2025-02-30. DuckDB and
    Spark both cast every shape the pattern admits (the `T`, no seconds) to the same
    timestamp, so the text is not rewritten first: rewriting it (the `T` to a space,
    `:00` appended) cost base_dms__tickets 7 % of its 10 M full build (D-137). -#}

{% macro timestamp_pattern() -%}
    ^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$
{%- endmacro %}

{% macro parse_timestamp(col) -%}
    case
        when {{ regex_match('trim(' ~ col ~ ')', timestamp_pattern()) }}
            then {{ try_cast('trim(' ~ col ~ ')', type_local_timestamp()) }}
    end
{%- endmacro %}

{#- Reason for a timestamp column: missing_required:<col> when empty (and required),
    unparseable_timestamp:<col> when it does not parse. -#}
{% macro reason_timestamp(col, required=false) -%}
    case
        when {{ is_blank(col) }} then {{ "'missing_required:" ~ col ~ "'" if required else 'null' }}
        when {{ parse_timestamp(col) }} is null then 'unparseable_timestamp:{{ col }}'
    end
{%- endmacro %}
