{#- The data tests of a refresh's incremental build read the rows that build wrote
    (docs/architecture.md, "Incremental refresh"; docs/decisions.md, D-098).

    dbt hands every generic test its model through get_where_subquery(); the project's
    default__get_where_subquery (dispatch search order in dbt_project.yml) keeps dbt's
    `where` config and adds tested_rows_built(): in a `dbt build` that the refresh runs
    incrementally (it sets AFTERSALES_TEST_ROWS_BUILT=true only when the previous build
    finished with the same project, orchestration/defs/dbt/incremental.py), a test of
    the kinds in rows_built_tests() on an incremental model reads only
    - the rows stamped with this build's start, for a model whose meta.rows_built names
      its stamp column (`{built_at: _staged_at}`: base_dms__*, stg_dms__*; `_computed_at`:
      the labour pairing and job shares);
    - the days or periods this build recomputed (int_builds_scoped), for the KPI models
      with `{kpi_days: day}` or `{kpi_days: period}` (kpi_days_incremental; `code_column`
      names the KPI column, none for the labour marts, whose rows are all of the other
      areas).
    Those tests check single rows or keys whose rows are all rewritten together (a
    touched staging key, a recomputed KPI day), and every other row passed them in the
    build that wrote it. Relationship and singular tests, `dbt test`, a full refresh,
    Spark (no incremental models) and a build with no scope row read every row. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set built = tested_rows_built() -%}
    {%- if built -%}
        {%- do conditions.append('(' ~ built ~ ')') -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- The generic tests that hold for a table when they hold for each set of rows written
    together: row checks and keys that include what the rows are rewritten by. -#}
{% macro rows_built_tests() -%}
    {{ return(['not_null', 'not_null_columns', 'accepted_values', 'unique',
               'unique_combination', 'kpi_interface', 'kpi_value_within_bounds',
               'dms_contract']) }}
{%- endmacro %}

{#- The condition on the tested model's rows that this build wrote, or none (every row). -#}
{% macro tested_rows_built() -%}
    {%- if not execute or model.resource_type != 'test' or flags.WHICH != 'build' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if env_var('AFTERSALES_TEST_ROWS_BUILT', 'false') != 'true' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if (model.test_metadata or {}).get('name') not in rows_built_tests() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node = graph.nodes.get(model.attached_node) if model.attached_node else none -%}
    {%- if node is none or node.config.materialized != 'incremental' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rows_built = node.config.meta.get('rows_built') or {} -%}
    {%- if rows_built.get('built_at') -%}
        {{ return(adapter.quote(rows_built['built_at']) ~ ' = ' ~ build_started_at()) }}
    {%- elif rows_built.get('kpi_days') -%}
        {%- set scope = kpi_build_scope() -%}
        {%- if scope is none -%}
            {{ return(none) }}
        {%- endif -%}
        {%- set code_column = rows_built.get('code_column', 'kpi_code') -%}
        {%- if rows_built['kpi_days'] == 'period' -%}
            {{ return(kpi_recomputed('period_start', code_column=code_column, kind='period',
                                     grain='grain', keyword='', scope=scope)) }}
        {%- endif -%}
        {{ return(kpi_recomputed('date_day', code_column=code_column, keyword='', scope=scope)) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}
