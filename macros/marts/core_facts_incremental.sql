{#- The part-line and follow-up facts are incremental on DuckDB (docs/architecture.md,
    "Incremental refresh"; D-100), rewritten per key (macros/marts/keyed_rewrite.sql):
    the keys that can have changed in this build. Their data tests read the same keys
    (macros/tests/rows_built.sql, D-120), so these macros read models through
    model_relation(). -#}

{#- fct_part_lines: a row is its part line's current version alone, so the lines with a
    row parsed in this build (a new line, a late version, a deletion, a quarantine). -#}
{% macro part_lines_scope() -%}
    {{ keys_parsed_in_this_build('base_dms__part_requests', 'request_line_id') }}
{%- endmacro %}

{#- fct_follow_ups: a row is the call's current version with its work order's branch and
    delivery time (read in the branch's time zone), so the calls parsed in this build and
    the calls of the work orders parsed in this build; every call when a branch changed. -#}
{% macro follow_ups_recompute_all() -%}
    exists ({{ keys_parsed_in_this_build('base_dms__branches', 'branch_code') }})
{%- endmacro %}

{% macro follow_ups_scope() -%}
    {{ keys_parsed_in_this_build('base_dms__callbacks', 'callback_id') }}
    union
    select callback_id
    from {{ model_relation('stg_dms__callbacks') }}
    where ticket_id in ({{ keys_parsed_in_this_build('base_dms__tickets', 'ticket_id') }})
{%- endmacro %}
