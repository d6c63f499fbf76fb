{#- int_work_orders_sla_measured is incremental on DuckDB (docs/architecture.md,
    "Incremental refresh"; D-100). A work order's row depends on its own current version,
    its branch (time zone, opening hours), the holidays and SLA policies (seeds: a change
    to them changes the project, and the refresh then rebuilds everything) and, for the
    known-outcome flags only, on as_of. A known outcome stays known while as_of moves
    forward (the elapsed time to as_of only grows), so a build recomputes
    - the work orders touched since the model was last written (a row of
      base_dms__tickets parsed since: a new order, a late version, a deletion, a
      quarantine released or imposed), and
    - the work orders with an outcome still unknown (their flags may flip as as_of moves);
    and every work order when a branch changed, when as_of moved back (a retracted batch
    or an as-of set earlier) or when the model is empty. On Spark
    (incremental_materialization() answers `table`), in a full refresh and in dbt unit
    tests, every work order is measured. -#}

{#- Pre-hook 1: whether every work order is recomputed (one row, `recompute_all`). -#}
{% macro sla_measured_all_hook() -%}
    {%- if incremental_run() %}
    create or replace temporary table {{ incremental_scratch('all') }} as
    select (
        not exists (select 1 from {{ this }})
        or exists (
            select 1 from {{ ref('base_dms__branches') }}
            where _staged_at > {{ stamp_watermark('_computed_at') }}
        )
        or (select max(as_of) from {{ ref('int_as_of_resolved') }})
            < (select max(_outcomes_as_of) from {{ this }})
    ) as recompute_all
    {%- endif %}
{%- endmacro %}

{#- Pre-hook 2: the work orders recomputed (when not all of them). -#}
{% macro sla_measured_scope_hook() -%}
    {%- if incremental_run() %}
    create or replace temporary table {{ incremental_scratch('scope') }} as
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
    {%- endif %}
{%- endmacro %}

{#- Pre-hook 3: delete what is recomputed. -#}
{% macro sla_measured_delete_hook() -%}
    {%- if incremental_run() %}
    delete from {{ this }}
    where (select recompute_all from {{ incremental_scratch('all') }})
        or ticket_id in (select ticket_id from {{ incremental_scratch('scope') }})
    {%- endif %}
{%- endmacro %}
