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
    an as-of set earlier). -#}

{#- When every work order is measured again (besides an empty table). -#}
{% macro sla_measured_recompute_all() -%}
    exists (
        select 1 from {{ ref('base_dms__branches') }}
        where _staged_at > {{ stamp_watermark('_computed_at') }}
    )
    or (select max(as_of) from {{ ref('int_as_of_resolved') }})
        < (select max(_outcomes_as_of) from {{ this }})
{%- endmacro %}

{#- The work orders measured again. -#}
{% macro sla_measured_scope() -%}
    select ticket_id
    from {{ ref('base_dms__tickets') }}
    where _staged_at > {{ stamp_watermark('_computed_at') }}
        and ticket_id is not null
    union
    select ticket_id
    from {{ this }}
    where not is_response_outcome_known
        or not is_arrival_outcome_known
        or not is_resolution_outcome_known
{%- endmacro %}
