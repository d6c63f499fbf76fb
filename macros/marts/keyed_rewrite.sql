{#- A mart rewritten per key (docs/architecture.md, "Incremental refresh"): on DuckDB, a
    build deletes and writes again the keys a scope query names, or every key when the
    table is empty. The model calls, as its pre-hooks,
    keyed_rewrite_all_hook(), keyed_rewrite_scope_hook(<scope SQL>) and
    keyed_rewrite_delete_hook(key), and filters what it reads with
    keyed_rewrite_filter(key). The scope SQL selects one column, the key, and says which
    inputs can change a row: macros/work_orders/ and macros/marts/ hold them. Not for the
    KPI facts (macros/kpi/kpi_days_incremental.sql: per day) nor the labour pairing
    (macros/labour/: per sequence). On Spark
    (incremental_materialization() answers `table`), in a full refresh and in dbt unit
    tests, every row is written. -#}

{#- Pre-hook 1: whether every key is written (one row, `recompute_all`): the table is
    empty, or `also` (a condition, optional) holds. -#}
{% macro keyed_rewrite_all_hook(also=none) -%}
    {%- if incremental_run() %}
    create or replace temporary table {{ incremental_scratch('all') }} as
    select (
        not exists (select 1 from {{ this }})
        {%- if also %}
        or {{ also }}
        {%- endif %}
    ) as recompute_all
    {%- endif %}
{%- endmacro %}

{#- Pre-hook 2: the keys written (when not all of them): `scope`, a query of one column. -#}
{% macro keyed_rewrite_scope_hook(scope) -%}
    {%- if incremental_run() %}
    create or replace temporary table {{ incremental_scratch('scope') }} as
    {{ scope }}
    {%- endif %}
{%- endmacro %}

{#- Pre-hook 3: delete what is written again. -#}
{% macro keyed_rewrite_delete_hook(key) -%}
    {%- if incremental_run() %}
    delete from {{ this }}
    where {{ keyed_rewrite_filter(key) }}
    {%- endif %}
{%- endmacro %}

{#- The rows (of the model's input that carries `key`) that a build writes: a condition,
    `true` when the build writes every row. -#}
{% macro keyed_rewrite_filter(key) -%}
    {%- if incremental_run() -%}
    ((select recompute_all from {{ incremental_scratch('all') }})
        or {{ key }} in (select * from {{ incremental_scratch('scope') }}))
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}
