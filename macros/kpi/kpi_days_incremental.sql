{#- The daily KPI facts are incremental (docs/architecture.md, "Incremental refresh"):
    a refresh deletes the days from int_builds_scoped.recompute_from on and computes
    them again; the days before stay as they are. On Spark (incremental_materialization()
    answers `table`), in a full refresh and in dbt unit tests every day is computed.

    kpi_days_incremental() is called by the SQL of every int_kpi_<code>_daily model (through
    kpi_daily_measures or kpi_backlog_snapshot_daily) and by int_kpi_daily_unioned; the
    model's rows are then filtered with kpi_recomputed('date_day', code=...). -#}
{% macro kpi_days_incremental(by='day', code_column='kpi_code', contracted=false) -%}
    {#- `code_column`: the column naming each row's KPI (the assets area's KPIs may reach
        further back), or none for a model whose rows are all of the other areas (the
        labour marts); `contracted`: the model has an enforced contract, which dbt allows
        on an incremental model only with on_schema_change 'fail' -#}
    {%- set code_arg = ("'" ~ code_column ~ "'") if code_column else 'none' -%}
    {%- set delete_hook = {
        'day': '{{ kpi_days_delete_hook(' ~ code_arg ~ ') }}',
        'period': '{{ kpi_periods_delete_hook(' ~ code_arg ~ ') }}',
    }[by] -%}
    {#- a changed column list changes the project: the next build is a full refresh anyway,
        so the daily models skip dbt's column comparison (two catalog reads per model);
        kpi_values keeps it, as its enforced contract requires -#}
    {{ config(
        materialized=incremental_materialization(),
        incremental_strategy='append',
        on_schema_change='fail' if by == 'period' or contracted else 'ignore',
        pre_hook=[delete_hook],
        meta={'rows_built': {'kpi_days': by, 'code_column': code_column}},
    ) }}
    {{- kpi_days_scope_dependency() -}}
{%- endmacro %}

{#- The model reads int_builds_scoped at run time (kpi_scope): dbt learns the
    dependency while parsing, so the scope is built first. Not in a dbt unit test (its
    model is rendered with the unit test's inputs only, and recomputes every day). -#}
{% macro kpi_days_scope_dependency() -%}
    {%- if model.resource_type != 'unit_test' -%}
        {%- do ref('int_builds_scoped') -%}
    {%- endif -%}
{%- endmacro %}

{#- What this build recomputes: none for every day (outside an incremental run, when
    int_builds_scoped recomputes every day, or has no row for this build: it was not part
    of the build, and recomputing every day is the safe answer); otherwise
    {'facts': first day, 'assets': first day of the assets area's KPIs}, as 'YYYY-MM-DD'. -#}
{% macro kpi_scope() -%}
    {%- if not (execute and incremental_run()) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(kpi_build_scope()) }}
{%- endmacro %}

{#- int_builds_scoped's answer for this build, whatever the calling node (a model or a data
    test, macros/tests/rows_built.sql): none for every day, or kpi_scope()'s dict. -#}
{% macro kpi_build_scope() -%}
    {%- set scope = model_relation('int_builds_scoped') -%}
    {%- set result = run_query(
        'select cast(recompute_from as ' ~ dbt.type_string() ~ '), cast(assets_recompute_from as '
        ~ dbt.type_string() ~ ') from ' ~ scope ~ ' where built_at = ' ~ build_started_at()
    ) -%}
    {%- if result.rows | length != 1 or result.rows[0][0] is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return({'facts': result.rows[0][0], 'assets': result.rows[0][1]}) }}
{%- endmacro %}

{#- The codes of the assets area's KPIs (kpi_models_by_area()): the only KPIs an asset's
    row changes (int_builds_scoped.assets_recompute_from). -#}
{% macro kpi_asset_codes() -%}
    {{ return(kpi_codes_of(kpi_models_by_area()['assets'])) }}
{%- endmacro %}

{#- The lower bound of a recomputed row for the first recomputed day `first`: that day
    (kind 'day'), the start of the period of the row's `grain` holding it ('period'), or
    the earliest such start over every grain, or over the list of grains `grain`
    ('period_days': the days a roll-up of the recomputed periods reads). -#}
{% macro kpi_recomputed_bound(kind, first, grain=none) -%}
    {%- if kind == 'day' -%}
    cast('{{ first }}' as date)
    {%- elif kind == 'period' -%}
    case {{ grain }}
        {%- for each in kpi_grains() %}
        when '{{ each }}' then cast({{ dbt.date_trunc(each, "cast('" ~ first ~ "' as date)") }} as date)
        {%- endfor %}
    end
    {%- else -%}
    least(
        {%- for each in (grain if grain is not none else kpi_grains()) %}
        cast({{ dbt.date_trunc(each, "cast('" ~ first ~ "' as date)") }} as date)
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    )
    {%- endif -%}
{%- endmacro %}

{#- The first day this incremental run recomputes for the KPI `code` (text,
    `yyyy-mm-dd`), from `scope` (kpi_scope()'s answer, not none): the assets area's
    KPIs may reach further back. -#}
{% macro kpi_first_recomputed_day(code, scope) -%}
    {{ return(scope['assets'] if code in kpi_asset_codes() else scope['facts']) }}
{%- endmacro %}

{#- `<keyword> <condition>`: the rows this incremental run recomputes; nothing when it
    recomputes every day. `column` is the row's day (or period start, with `kind` and
    `grain`, see kpi_recomputed_bound). The rows are those of the KPI `code`, or of the
    KPI named by the column `code_column` (the assets area's KPIs may reach further
    back), or, with neither, rows of the other areas' KPIs. `keyword` is 'where' or 'and'. `scope` is kpi_scope()'s answer when the caller
    has it already (a model that filters several relations reads the scope once); by
    default it is read here. -#}
{% macro kpi_recomputed(column, code=none, code_column=none, kind='day', grain=none, keyword='where', scope='read') -%}
    {%- if scope == 'read' -%}
        {%- set scope = kpi_scope() -%}
    {%- endif -%}
    {%- if scope is not none -%}
        {%- set assets = kpi_asset_codes() -%}
        {%- if code is not none -%}
    {{ keyword }} {{ column }} >= {{ kpi_recomputed_bound(kind, kpi_first_recomputed_day(code, scope), grain) }}
        {%- elif code_column is none or scope['assets'] == scope['facts'] -%}
    {{ keyword }} {{ column }} >= {{ kpi_recomputed_bound(kind, scope['facts'], grain) }}
        {%- else -%}
    {{ keyword }} (
        {{ column }} >= {{ kpi_recomputed_bound(kind, scope['facts'], grain) }}
        or ({{ code_column }} in ('{{ assets | join("', '") }}')
            and {{ column }} >= {{ kpi_recomputed_bound(kind, scope['assets'], grain) }})
    )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of the daily models and their stack: delete the days this build recomputes
    (every row when it recomputes every day). -#}
{% macro kpi_days_delete_hook(code_column='kpi_code') -%}
    {%- if incremental_run() %}
    delete from {{ this }} {{ kpi_recomputed('date_day', code_column=code_column) }}
    {%- endif %}
{%- endmacro %}

{#- kpi_values is incremental the same way, by period (kpi_days_incremental(by='period')):
    a refresh deletes and rolls up again every period that holds a recomputed day (the
    period of each grain that contains the first recomputed day, and every later one). -#}
{% macro kpi_periods_delete_hook(code_column='kpi_code') -%}
    {%- if incremental_run() %}
    delete from {{ this }} {{ kpi_recomputed('period_start', code_column=code_column, kind='period', grain='grain') }}
    {%- endif %}
{%- endmacro %}
