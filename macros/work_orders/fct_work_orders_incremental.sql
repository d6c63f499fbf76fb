{#- fct_work_orders is incremental on DuckDB (docs/architecture.md, "Incremental refresh";
    D-100). A row is the work order's current version joined with its SLA measures, so a
    build rewrites the work orders that int_work_orders_sla_measured measured in this
    build (touched ones and those with an outcome still unknown) and the work orders
    parsed in this build (a deletion or a quarantine leaves no SLA row to rewrite), and
    every work order when the model is empty. On Spark, in a full refresh and in dbt unit
    tests, every work order is written. -#}

{#- Pre-hook 1: whether every work order is written (one row, `recompute_all`). -#}
{% macro work_orders_all_hook() -%}
    {%- if incremental_run() %}
    create or replace temporary table {{ incremental_scratch('all') }} as
    select not exists (select 1 from {{ this }}) as recompute_all
    {%- endif %}
{%- endmacro %}

{#- Pre-hook 2: the work orders rewritten (when not all of them). -#}
{% macro work_orders_scope_hook() -%}
    {%- if incremental_run() %}
    create or replace temporary table {{ incremental_scratch('scope') }} as
    select ticket_id
    from {{ ref('int_work_orders_sla_measured') }}
    where _computed_at = {{ build_started_at() }}
    union
    select ticket_id
    from {{ ref('base_dms__tickets') }}
    where _staged_at = {{ build_started_at() }}
        and ticket_id is not null
    {%- endif %}
{%- endmacro %}

{#- Pre-hook 3: delete what is rewritten. -#}
{% macro work_orders_delete_hook() -%}
    {%- if incremental_run() %}
    delete from {{ this }}
    where (select recompute_all from {{ incremental_scratch('all') }})
        or ticket_id in (select ticket_id from {{ incremental_scratch('scope') }})
    {%- endif %}
{%- endmacro %}
