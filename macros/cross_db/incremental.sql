{#- Incremental builds (docs/architecture.md, "Incremental refresh").

    The large models (the parsed raw rows, the current versions and the daily KPI facts)
    are `incremental` on DuckDB: a refresh works only on what arrived, what was retracted
    and the days that can still change. dbt-spark's Parquet tables have no DELETE (its
    incremental strategies are append, insert_overwrite by partition and merge on Delta),
    so on Spark the same models are plain tables rebuilt on every run: the SQL is one, its
    `is_incremental()` branch is simply never taken there. -#}
{% macro incremental_materialization() -%}
    {{ return(adapter.dispatch('incremental_materialization', 'aftersales')()) }}
{%- endmacro %}

{% macro default__incremental_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{% macro duckdb__incremental_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{#- The start of this dbt invocation, as a timestamp literal: the `_staged_at` /
    `_resolved_at` / `_computed_at` stamp of the rows a build writes. -#}
{% macro build_started_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ type_local_timestamp() }})
{%- endmacro %}

{#- A session-scoped scratch table a pre-hook fills and the model then reads (the set of
    keys or days an incremental run recomputes): computed once, before the hook deletes
    those rows, so that the delete and the insert agree. -#}
{% macro incremental_scratch(suffix) -%}
    {{ return(this.identifier ~ '__' ~ suffix) }}
{%- endmacro %}

{#- is_incremental(), false where the model has no relation of its own (a dbt unit test
    renders the model with `this` unset). -#}
{% macro incremental_run() -%}
    {{ return(this is not none and is_incremental()) }}
{%- endmacro %}

{#- Make `names` (models) dependencies of the calling model: for models whose pre-hooks
    read them (dbt learns a dependency while parsing the model's SQL, not its hooks).
    Not in a dbt unit test, whose model is rendered with the unit test's inputs only. -#}
{% macro incremental_hook_dependencies(names) -%}
    {%- if model.resource_type != 'unit_test' -%}
        {%- for name in names -%}
            {%- do ref(name) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- The latest build stamp (`column`: _resolved_at, _computed_at) in the model's own
    table: rows of its inputs stamped after it arrived since the model was last written. -#}
{% macro stamp_watermark(column) -%}
    (select coalesce(max({{ column }}), cast('1900-01-01' as timestamp)) from {{ this }})
{%- endmacro %}

{#- The relation of the model `name`: ref() in a model (dbt records the dependency while
    parsing); in a data test, which depends only on the model it tests (ref() would
    refuse another), the relation from the graph. -#}
{% macro model_relation(name) -%}
    {%- if model.resource_type == 'test' -%}
        {%- set node = graph.nodes['model.' ~ project_name ~ '.' ~ name] -%}
        {{ return(api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) }}
    {%- endif -%}
    {{ return(ref(name)) }}
{%- endmacro %}

{#- The keys of `model` (a base_dms__<table> model) with a row parsed after `since` (a
    timestamp expression): new rows, late versions, deletions, quarantines. -#}
{% macro keys_parsed_since(model, key, since) -%}
    select {{ key }}
    from {{ ref(model) }}
    where _staged_at > {{ since }}
        and {{ key }} is not null
{%- endmacro %}

{#- The same, for the rows parsed in this build (also read by data tests:
    macros/tests/rows_built.sql). -#}
{% macro keys_parsed_in_this_build(model, key) -%}
    select {{ key }}
    from {{ model_relation(model) }}
    where _staged_at = {{ build_started_at() }}
        and {{ key }} is not null
{%- endmacro %}

{#- `order by <columns>` where a model is written whole on DuckDB (a full build of an
    incremental model): the rows then lie in the order of the date that incremental
    builds, the publish's comparison of changed months (D-108) and BI queries filter by,
    and a later build appends the days it recomputes after them, so DuckDB's zone maps
    let such a scan skip the row groups of other months (D-141). Nothing in an
    incremental run (its rows go after the rest whatever their order) and nothing on
    Spark (rebuilt whole on every run, read through its own files). -#}
{% macro full_build_order(columns) -%}
    {{ return(adapter.dispatch('full_build_order', 'aftersales')(columns)) }}
{%- endmacro %}

{% macro default__full_build_order(columns) -%}
{%- endmacro %}

{% macro duckdb__full_build_order(columns) -%}
    {%- if not incremental_run() %}
order by {{ columns | join(', ') }}
    {%- endif %}
{%- endmacro %}
