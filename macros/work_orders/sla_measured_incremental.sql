{#- int_work_orders_sla_measured is incremental on DuckDB (docs/architecture.md,
    "Incremental refresh"; D-100), rewritten per work order (macros/marts/keyed_rewrite.sql).
    A work order's row depends on its own current version, its branch (time zone, opening
    hours), the holidays and SLA policies (seeds: a change to them changes the project,
    and the refresh then rebuilds everything) and, for the known-outcome flags only, on
    as_of. A known outcome stays known while as_of moves forward (the elapsed time to
    as_of only grows), so a build measures again
    - the work orders touched since the model was last written (a row of
      base_dms__tickets parsed since: a new order, a late version, a deletion, a
      quarantine released or imposed), and
    - the work orders with an outcome still unknown (their flags may flip as as_of moves);
    and every work order when a branch changed or as_of moved back (a retracted batch or
    an as-of set earlier): branch_or_as_of_moved_back(). -#}
{% macro sla_measured_scope() -%}
    {{ keys_parsed_since('base_dms__tickets', 'ticket_id', stamp_watermark('_computed_at')) }}
    union
    select ticket_id
    from {{ this }}
    where not is_response_outcome_known
        or not is_arrival_outcome_known
        or not is_resolution_outcome_known
{%- endmacro %}
