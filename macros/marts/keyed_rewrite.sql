{#- A model rewritten per key (docs/architecture.md, "Incremental refresh"; D-100): on
    DuckDB, a build deletes and writes again the keys a scope query names, or every key
    when the table is empty or a condition holds. The model calls
    keyed_rewrite(key, scope, ...) where its config would be, and reads the input that
    carries the key with keyed_rewrite_rows(relation, key) (or, where that input is
    joined first, filters it with keyed_rewrite_filter(key)). `scope` names a macro that returns a
    query of one column, the keys (it says which inputs can change a row:
    macros/work_orders/, macros/labour/sold_hours_incremental.sql,
    macros/marts/core_facts_incremental.sql); `also`, optional, a macro that returns the
    condition under which every key is written; `inputs`, the models those macros read
    that the model itself does not ref; `built_at`, the model's build-stamp column, if
    any (its generic data tests then read the rows the build wrote, D-098; without one,
    the rows of the keys `scope` names, or every row when `also` holds, D-120). Not for the
    KPI facts (macros/kpi/kpi_days_incremental.sql: per day) nor the labour pairing
    (macros/labour/: per sequence). On Spark (incremental_materialization() answers
    `table`), in a full refresh and in dbt unit tests, every row is written. -#}
{% macro keyed_rewrite(key, scope, also=none, inputs=[], built_at=none) -%}
    {%- set also_arg = ('also=' ~ also ~ '()') if also else '' -%}
    {%- set settings = {
        'materialized': incremental_materialization(),
        'incremental_strategy': 'append',
        'on_schema_change': 'fail',
        'pre_hook': [
            '{{ keyed_rewrite_all_hook(' ~ also_arg ~ ') }}',
            '{{ keyed_rewrite_scope_hook(' ~ scope ~ '()) }}',
            '{{ keyed_rewrite_delete_hook("' ~ key ~ '") }}',
        ],
    } -%}
    {%- if built_at -%}
        {%- do settings.update({'meta': {'rows_built': {'built_at': built_at}}}) -%}
    {%- else -%}
        {#- no build stamp (a served table): its data tests read the keys this build
            wrote, from the same macros (D-120) -#}
        {%- do settings.update({'meta': {'rows_built': {'keys': {'key': key, 'scope': scope, 'also': also}}}}) -%}
    {%- endif -%}
    {{ config(settings) }}
    {{- incremental_hook_dependencies(inputs) -}}
{%- endmacro %}

{#- For a model whose flags read as_of (monotonic in it) and the branch time zones:
    every key is written again when a branch changed since the model was last written
    (`_computed_at`) or when as_of moved back (below `_outcomes_as_of`, the as_of its
    rows were read at). -#}
{% macro branch_or_as_of_moved_back() -%}
    exists (
        select 1 from {{ ref('base_dms__branches') }}
        where _staged_at > {{ stamp_watermark('_computed_at') }}
    )
    or (select max(as_of) from {{ ref('int_as_of_resolved') }})
        < (select max(_outcomes_as_of) from {{ this }})
{%- endmacro %}

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

{#- The rows of `relation`, the model's input that carries `key`, that a build writes: a
    query. Incremental, they are found by row id (D-128): the condition reads the key of
    every row, the scan the other columns of those rows only (with the condition on the
    scan itself, DuckDB reads every column of every row: `or` and a subquery). -#}
{% macro keyed_rewrite_rows(relation, key) -%}
    select * from {{ relation }}
    {%- if incremental_run() %}
    where rowid in (
        select rowid from {{ relation }}
        where {{ keyed_rewrite_filter(key) }}
    )
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
