{#- fct_work_orders is incremental on DuckDB (docs/architecture.md, "Incremental refresh";
    D-100), rewritten per work order (macros/marts/keyed_rewrite.sql). A row is the work
    order's current version joined with its SLA measures, so a build rewrites the work
    orders int_work_orders_sla_measured measured in this build (touched ones and those
    with an outcome still unknown) and those parsed in this build (a deletion or a
    quarantine leaves no measure to rewrite). -#}
{% macro work_orders_scope() -%}
    select ticket_id
    from {{ model_relation('int_work_orders_sla_measured') }}
    where _computed_at = {{ build_started_at() }}
    union
    {{ keys_parsed_in_this_build('base_dms__tickets', 'ticket_id') }}
{%- endmacro %}
