{#- The daily KPI facts are incremental (docs/architecture.md, "Incremental refresh"):
    a refresh deletes the days from int_builds_scoped.recompute_from on and computes
    them again; the days before stay as they are. On Spark (incremental_materialization()
    answers `table`), in a full refresh and in dbt unit tests every day is computed.

    kpi_days_incremental() is called by the SQL of every int_kpi_<code>_daily model (through
    kpi_daily_measures or kpi_backlog_snapshot_daily) and by int_kpi_daily_unioned; the
    model's rows are then filtered with kpi_days_recomputed('date_day'). -#}
{% macro kpi_days_incremental(by='day') -%}
    {%- set delete_hook = {
        'day': '{{ kpi_days_delete_hook() }}',
        'period': '{{ kpi_periods_delete_hook() }}',
    }[by] -%}
    {{ config(
        materialized=incremental_materialization(),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[delete_hook],
    ) }}
    {{- kpi_days_scope_dependency() -}}
{%- endmacro %}

{#- The model reads int_builds_scoped at run time (kpi_recompute_from): dbt learns the
    dependency while parsing, so the scope is built first. Not in a dbt unit test (its
    model is rendered with the unit test's inputs only, and recomputes every day). -#}
{% macro kpi_days_scope_dependency() -%}
    {%- if model.resource_type != 'unit_test' -%}
        {%- do ref('int_builds_scoped') -%}
    {%- endif -%}
{%- endmacro %}

{#- The first day this build recomputes, as 'YYYY-MM-DD', or none for every day: none
    outside an incremental run, and when int_builds_scoped has no row for this build (it
    was not part of the build: recomputing every day is then the safe answer). -#}
{% macro kpi_recompute_from() -%}
    {%- if not (execute and incremental_run()) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set scope = ref('int_builds_scoped') -%}
    {%- set result = run_query(
        'select cast(recompute_from as ' ~ dbt.type_string() ~ ') from ' ~ scope
        ~ ' where built_at = ' ~ build_started_at()
    ) -%}
    {%- if result.rows | length != 1 -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(result.rows[0][0]) }}
{%- endmacro %}

{#- `<keyword> <column> >= <first recomputed day>` in an incremental run that recomputes
    from a day; nothing otherwise (every day). `keyword` is 'where' or 'and'. -#}
{% macro kpi_days_recomputed(column, keyword='where') -%}
    {%- set first = kpi_recompute_from() -%}
    {%- if first is not none -%}
    {{ keyword }} {{ column }} >= cast('{{ first }}' as date)
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook: delete the days this build recomputes (every row when it recomputes every
    day). -#}
{% macro kpi_days_delete_hook(column='date_day') -%}
    {%- if incremental_run() %}
    delete from {{ this }} {{ kpi_days_recomputed(column) }}
    {%- endif %}
{%- endmacro %}

{#- kpi_values is incremental the same way, by period (kpi_days_incremental(by='period')):
    a refresh deletes and rolls up again every period that holds a recomputed day (the
    period of each grain that contains recompute_from, and every later one). -#}

{#- The first recomputed period's start for each grain, as a SQL case over `grain`. -#}
{% macro kpi_first_recomputed_period(grain, first) -%}
    case {{ grain }}
        {%- for each in kpi_grains() %}
        when '{{ each }}' then cast({{ dbt.date_trunc(each, "cast('" ~ first ~ "' as date)") }} as date)
        {%- endfor %}
    end
{%- endmacro %}

{#- `<keyword> <period_start> >= <first recomputed period of the row's grain>` in an
    incremental run that recomputes from a day; nothing otherwise. -#}
{% macro kpi_periods_recomputed(grain, period_start, keyword='where') -%}
    {%- set first = kpi_recompute_from() -%}
    {%- if first is not none -%}
    {{ keyword }} {{ period_start }} >= {{ kpi_first_recomputed_period(grain, first) }}
    {%- endif -%}
{%- endmacro %}

{#- `<keyword> <date_day> >= <the earliest first recomputed period over every grain>`:
    the days a roll-up of the recomputed periods reads. -#}
{% macro kpi_period_days_recomputed(date_day, keyword='where') -%}
    {%- set first = kpi_recompute_from() -%}
    {%- if first is not none -%}
    {{ keyword }} {{ date_day }} >= least(
        {%- for each in kpi_grains() %}
        cast({{ dbt.date_trunc(each, "cast('" ~ first ~ "' as date)") }} as date)
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    )
    {%- endif -%}
{%- endmacro %}

{% macro kpi_periods_delete_hook() -%}
    {%- if incremental_run() %}
    delete from {{ this }} {{ kpi_periods_recomputed('grain', 'period_start') }}
    {%- endif %}
{%- endmacro %}
