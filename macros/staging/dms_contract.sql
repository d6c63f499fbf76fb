{#- The staging models of the DMS tables, generated from the raw contract: the var
    `raw_contract` in dbt_project.yml (per table its primary key, its columns in export
    order with type, required, codes, and its row checks). Each model file is one call:

    - dms_base_model(table): base_dms__<table>, every raw row parsed into typed columns,
      with `_quarantine_reason` (null = valid): the column rules in column order (macros in
      macros/parsing/), then the table's `checks` in their order (`when`: a condition on
      the parsed columns; `references`: the column must be a current key of that table).
    - dms_current_versions(table): stg_dms__<table>, the valid rows, one per primary key
      (greatest updated_at, then later file, then later row; a winning deletion removes the
      key), without is_deleted and without the columns marked `staged: false`.
    - dms_quarantined(table): stg_dms__<table>_quarantine, the rows with a reason, as they
      landed (raw text), with file, row number and reasons.

    A var (not the graph) carries the contract because dbt must see the ref() of a
    `references` check while parsing, and unit tests compile without the graph. -#}

{#- The contract of one table: {primary_key, checks, columns: [{name, type, ...}],
    many_versions, cluster_by}, columns in export order, without the load metadata
    columns; many_versions is true when the table's keys usually have several versions
    (`versions_per_key: many`, D-129; `few`, the default, otherwise; any other value
    stops the compilation, as it stops orchestration.contract); cluster_by, optional,
    one of its date or timestamp columns: a full build writes stg_dms__<table> in its
    order (D-141). -#}
{% macro dms_contract(table) -%}
    {%- set contract = var('raw_contract') -%}
    {%- if table not in contract -%}
        {{ exceptions.raise_compiler_error('no table ' ~ table ~ ' in the raw contract (var raw_contract, dbt_project.yml)') }}
    {%- endif -%}
    {%- set entry = contract[table] -%}
    {%- set versions = entry.get('versions_per_key', 'few') -%}
    {%- if versions not in ('few', 'many') -%}
        {{ exceptions.raise_compiler_error('raw_contract.' ~ table ~ '.versions_per_key (dbt_project.yml) is ' ~ versions ~ ': write few or many (many: its keys usually have several versions, D-129), or leave it out for few') }}
    {%- endif -%}
    {%- set cluster_by = entry.get('cluster_by') -%}
    {%- if cluster_by is not none and cluster_by not in (entry['columns'] | selectattr('type', 'in', ['timestamp', 'date']) | map(attribute='name') | list) -%}
        {{ exceptions.raise_compiler_error('raw_contract.' ~ table ~ '.cluster_by (dbt_project.yml) is ' ~ cluster_by ~ ': name one of the table\'s date or timestamp columns (D-141), or leave it out') }}
    {%- endif -%}
    {{ return({
        'primary_key': entry['primary_key'],
        'checks': entry.get('checks', []),
        'columns': entry['columns'],
        'many_versions': versions == 'many',
        'cluster_by': cluster_by,
    }) }}
{%- endmacro %}

{#- The first event date of a `table` row read from `alias`: the least of the contract's
    date and timestamp columns but updated_at (which dates no KPI), as a date; what
    int_builds_scoped reaches back to. -#}
{% macro dms_first_event_date(table, alias) -%}
    {%- set dates = [] -%}
    {%- for column in dms_contract(table).columns if column.type in ('timestamp', 'date') and column.name != 'updated_at' -%}
        {%- do dates.append('cast(' ~ alias ~ '.' ~ column.name ~ ' as date)') -%}
    {%- endfor -%}
    {%- if dates | length > 1 -%}
    least({{ dates | join(', ') }})
    {%- else -%}
    {{ dates[0] }}
    {%- endif -%}
{%- endmacro %}

{% macro dms_load_metadata_columns() -%}
    {{ return(['_source_file', '_file_hash', '_row_number', '_loaded_at']) }}
{%- endmacro %}

{#- The typed value of a raw column. -#}
{% macro dms_parse_column(column) -%}
    {%- set name = column.name -%}
    {%- if column.type == 'text' -%} {{ parse_text(name) }}
    {%- elif column.type == 'code' -%} {{ parse_code(name) }}
    {%- elif column.type == 'integer' -%} {{ parse_integer(name) }}
    {%- elif column.type == 'decimal' -%} {{ parse_decimal(name) }}
    {%- elif column.type == 'boolean' -%} {{ parse_boolean(name, nullable=column.get('nullable', false)) }}
    {%- elif column.type == 'timestamp' -%} {{ parse_timestamp(name) }}
    {%- elif column.type == 'date' -%} {{ parse_date(name) }}
    {%- elif column.type == 'time_hhmm' -%} {{ parse_time_hhmm(name) }}
    {%- elif column.type == 'weekdays' -%} {{ parse_weekdays(name) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error('unknown contract type ' ~ column.type ~ ' of ' ~ name) }}
    {%- endif -%}
{%- endmacro %}

{#- The column rule of a raw column: a reason expression, or none. -#}
{% macro dms_column_reason(column, primary_key) -%}
    {%- set name = column.name -%}
    {%- set required = column.get('required', false) -%}
    {%- if name == primary_key -%}
        {{ return(reason_primary_key(name)) }}
    {%- elif column.type == 'text' and required -%}
        {{ return(reason_required(name)) }}
    {%- elif column.type == 'text' and column.get('required_when') -%}
        {%- set conditions = [] -%}
        {%- for other, codes in column.required_when.items() -%}
            {%- do conditions.append(parse_code(other) ~ " in ('" ~ codes | join("', '") ~ "')") -%}
        {%- endfor -%}
        {{ return(reason_if(conditions | join(' and ') ~ ' and ' ~ is_blank(name), 'missing_required:' ~ name)) }}
    {%- elif column.type == 'code' -%}
        {{ return(reason_code(name, column['values'], required=required)) }}
    {%- elif column.type == 'integer' -%}
        {{ return(reason_integer(name, required=required)) }}
    {%- elif column.type == 'decimal' -%}
        {{ return(reason_decimal(name, required=required)) }}
    {%- elif column.type == 'boolean' -%}
        {{ return(reason_boolean(name)) }}
    {%- elif column.type == 'timestamp' -%}
        {{ return(reason_timestamp(name, required=required)) }}
    {%- elif column.type == 'date' -%}
        {{ return(reason_date(name, required=required)) }}
    {%- elif column.type == 'time_hhmm' -%}
        {{ return(reason_time_hhmm(name, required=required)) }}
    {%- elif column.type == 'weekdays' -%}
        {{ return(reason_weekdays(name, required=required)) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{% macro dms_base_model(table) -%}
    {%- set contract = dms_contract(table) -%}
    {%- set references = contract.checks | selectattr('references', 'defined') | list -%}
    {%- set format_reasons = [] -%}
    {%- for column in contract.columns -%}
        {%- set reason = dms_column_reason(column, contract.primary_key) -%}
        {%- if reason is not none -%}{%- do format_reasons.append(reason) -%}{%- endif -%}
    {%- endfor -%}
    {%- set row_reasons = ['parsed._format_reason'] -%}
    {%- for check in contract.checks -%}
        {%- if check.references is defined -%}
            {%- do row_reasons.append(reason_if(
                'parsed.' ~ check.column ~ ' is not null and known_' ~ check.references
                ~ '.known_key is null', check.reason)) -%}
        {%- else -%}
            {%- do row_reasons.append(reason_if(check.when, check.reason)) -%}
        {%- endif -%}
    {%- endfor %}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['_source_file', '_row_number'],
    on_schema_change='fail',
    pre_hook="{{ dms_base_prune_hook('" ~ table ~ "') }}",
    meta={'rows_built': {'built_at': '_staged_at'}},
) }}
{%- set referenced_tables = references | map(attribute='references') | unique | list %}
{%- set referenced_bases = [] %}
{%- for referenced in referenced_tables %}{% do referenced_bases.append('base_dms__' ~ referenced) %}{% endfor %}
{{- incremental_hook_dependencies(referenced_bases) }}
with
{% for check in references %}
known_{{ check.references }} as (
    select {{ dms_contract(check.references).primary_key }} as known_key
    from {{ ref('stg_dms__' ~ check.references) }}
),
{% endfor %}
{% if incremental_run() -%}
{#- Incremental: the rows of files not parsed yet, and the parsed rows whose reference
    check would now give another answer (their key appeared in, or left, the referenced
    table): they are parsed again and replace their old version (unique key file + row). -#}
parsed_loads as (
    select distinct
        _source_file,
        _file_hash,
        _loaded_at
    from {{ this }}
),

new_loads as (
    select distinct
        _source_file,
        _file_hash,
        _loaded_at
    from {{ source('dms', table) }}
    except
    select
        _source_file,
        _file_hash,
        _loaded_at
    from parsed_loads
),

{#- the keys of a referenced table with a row parsed since this table last was: only a
    row naming one of them can have its reference check answer otherwise now; found by a
    join, which DuckDB does not run when there is none (D-128) #}
{%- for referenced in referenced_tables %}

changed_{{ referenced }} as (
    select distinct {{ dms_contract(referenced).primary_key }} as changed_key
    from {{ ref('base_dms__' ~ referenced) }}
    where _staged_at > {{ stamp_watermark('_staged_at') }}
),
{%- endfor %}

revalidated_rows as (
    {%- for reached in references %}
    {{ 'union' if not loop.first }}
    select
        staged._source_file,
        staged._row_number
    from {{ this }} as staged
    inner join changed_{{ reached.references }}
        on staged.{{ reached.column }} = changed_{{ reached.references }}.changed_key
    {%- for check in references %}
    left join known_{{ check.references }}
        on staged.{{ check.column }} = known_{{ check.references }}.known_key
    {%- endfor %}
    where false
    {%- for check in references %}
        or (
            staged.{{ check.column }} is not null
            and known_{{ check.references }}.known_key is null
            and (staged._quarantine_reason is null
                or concat(';', staged._quarantine_reason, ';') not like '%;{{ check.reason }};%')
        )
        or (
            known_{{ check.references }}.known_key is not null
            and staged._quarantine_reason like '%{{ check.reason }}%'
            and concat(';', staged._quarantine_reason, ';') like '%;{{ check.reason }};%'
        )
    {%- endfor %}
    {%- endfor %}
    {%- if not references %}
    select
        _source_file,
        _row_number
    from {{ this }}
    where false
    {%- endif %}
),

{#- raw is read twice rather than through one CTE: a CTE read twice is materialized
    whole, and the joins on the few new loads let the scans skip the rest of raw -#}
raw_{{ table }} as (
    select new_rows.*
    from {{ source('dms', table) }} as new_rows
    inner join new_loads
        on new_rows._source_file = new_loads._source_file
        and new_rows._file_hash = new_loads._file_hash
        and new_rows._loaded_at = new_loads._loaded_at
    union all
    select revalidated.*
    from {{ source('dms', table) }} as revalidated
    inner join revalidated_rows
        on revalidated._source_file = revalidated_rows._source_file
        and revalidated._row_number = revalidated_rows._row_number
),
{%- else %}
raw_{{ table }} as (
    select * from {{ source('dms', table) }}
),
{%- endif %}

parsed as (
    select
        {%- for column in contract.columns %}
        {{ dms_parse_column(column) }} as {{ column.name }},
        {%- endfor %}
        {%- for name in dms_load_metadata_columns() %}
        {{ name }},
        {%- endfor %}
        {{ collect_reasons(format_reasons) }} as _format_reason
    from raw_{{ table }}
),

checked as (
    select
        parsed.*,
        {{ collect_reasons(row_reasons) }} as _quarantine_reason
    from parsed
    {%- for check in references %}
    left join known_{{ check.references }}
        on parsed.{{ check.column }} = known_{{ check.references }}.known_key
    {%- endfor %}
),

final as (
    select
        {%- for column in contract.columns %}
        {{ column.name }},
        {%- endfor %}
        {%- for name in dms_load_metadata_columns() %}
        {{ name }},
        {%- endfor %}
        _quarantine_reason,
        {{ build_started_at() }} as _staged_at
    from checked
)

select * from final
{%- endmacro %}

{% macro dms_current_versions(table) -%}
    {%- set base = ref('base_dms__' ~ table) -%}
    {%- set contract = dms_contract(table) %}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=[
        "{{ dms_touched_hook('" ~ table ~ "', 'key') }}",
        "{{ dms_touched_delete_hook('" ~ table ~ "', 'key') }}",
    ],
    meta={'rows_built': {'built_at': '_resolved_at'}},
) }}
{#- incremental: only the valid versions of the keys with a row parsed since this table
    was last written (the pre-hooks listed them and deleted their current version),
    found by row id: the scan reads the key of every version and the other columns of
    those only (D-128) -#}
{%- set version_filter -%}
    {%- if incremental_run() -%}
    {alias}.rowid in (
        select touched_versions.rowid
        from {{ base }} as touched_versions
        where touched_versions._quarantine_reason is null
            and {{ dms_is_touched(table, 'key', 'touched_versions') }}
    )
    {%- else -%}
    {alias}._quarantine_reason is null
    {%- endif -%}
{%- endset %}
with latest_versions as (
    {{ dms_latest_versions(base, contract.primary_key, version_filter, contract.many_versions) }}
),

winners as (
    select *
    from latest_versions
    where not is_deleted
),

final as (
    select
        {%- for column in contract.columns
              if column.name != 'is_deleted' and column.get('staged', true) %}
        {{ column.name }},
        {%- endfor %}
        _source_file,
        {{ build_started_at() }} as _resolved_at
    from winners
)

select * from final
{%- if contract.cluster_by %}
{{ full_build_order([contract.cluster_by]) }}
{%- endif %}
{%- endmacro %}

{% macro dms_quarantined(table) -%}
    {%- set raw = source('dms', table) -%}
    {%- set base = ref('base_dms__' ~ table) -%}
    {%- set contract = dms_contract(table) %}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=[
        "{{ dms_touched_hook('" ~ table ~ "', 'row') }}",
        "{{ dms_touched_delete_hook('" ~ table ~ "', 'row') }}",
    ],
    meta={'rows_built': {'built_at': '_resolved_at'}},
) }}
with raw_{{ table }} as (
    select * from {{ raw }}
),

base_{{ table }} as (
    select * from {{ base }}
),

quarantined as (
    select
        _source_file,
        _row_number,
        _quarantine_reason
    from base_{{ table }}
    where _quarantine_reason is not null
    {%- if incremental_run() %}
        {#- incremental: only the rows parsed since this table was last written (the
            pre-hooks listed them and deleted their old quarantine entry) #}
        and {{ dms_is_touched(table, 'row', 'base_' ~ table) }}
    {%- endif %}
),

final as (
    select
        raw_{{ table }}._source_file,
        raw_{{ table }}._row_number,
        raw_{{ table }}._loaded_at,
        quarantined._quarantine_reason as quarantine_reason,
        {%- for column in contract.columns %}
        raw_{{ table }}.{{ column.name }},
        {%- endfor %}
        {{ build_started_at() }} as _resolved_at
    from quarantined
    inner join raw_{{ table }}
        on quarantined._source_file = raw_{{ table }}._source_file
        and quarantined._row_number = raw_{{ table }}._row_number
)

select * from final
{%- endmacro %}

{#- Pre-hook of base_dms__<table> when incremental: a file load parsed before is no longer
    in raw (its batch was retracted, perhaps loaded again since: a load is a file name,
    its hash and its load time): every
    parsed row is dropped and the table is parsed again from raw in this run, so that the
    current versions downstream start over too (stg_dms__<table> sees every row as new).
    Raw loses rows only through a retraction, which the ingest register records
    (raw._retractions, orchestration/landing/retract.py): the comparison of every load in
    the model with raw's, two scans of every row, runs only after a retraction of a
    <table> batch since the model last parsed rows (D-141). -#}
{% macro dms_base_prune_hook(table) -%}
    {%- if incremental_run() and dms_retracted_since_parsed(table) %}
    delete from {{ this }}
    where exists (
        select distinct
            _source_file,
            _file_hash,
            _loaded_at
        from {{ this }}
        except
        select distinct
            _source_file,
            _file_hash,
            _loaded_at
        from {{ source('dms', table) }}
    )
    {%- endif %}
{%- endmacro %}

{#- Whether the ingest register records a retraction of a `table` batch at or after the
    latest parse into this base model (its rows' `_staged_at`, the start of the build that
    parsed them; the retraction's time is UTC, as is the build's). True whenever the
    register cannot tell: no register table (a warehouse that was never ingested into by
    this version), or a model with no parse time. -#}
{% macro dms_retracted_since_parsed(table) -%}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set register = source('ingest_register', '_retractions') -%}
    {%- if adapter.get_relation(register.database, register.schema, register.identifier) is none -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set found -%}
        select count(*)
        from {{ register }}
        where table_name = '{{ table }}'
            and retracted_at >= coalesce(
                (select max(_staged_at) from {{ this }}),
                cast('1900-01-01' as {{ type_local_timestamp() }})
            )
    {%- endset -%}
    {{ return(run_query(found).columns[0].values()[0] > 0) }}
{%- endmacro %}

{#- Pre-hooks of the incremental staging models that follow base_dms__<table>:
    stg_dms__<table> (grain 'key': one row per primary key) and stg_dms__<table>_quarantine
    (grain 'row': one row per landed row, file and row number). The watermark is the
    latest `_resolved_at` in the model: every row parsed after it may change what the
    model holds for its key or row (a new version, a deletion, a row that became valid or
    invalid), so those are listed in a scratch table first, so that the delete and the
    insert work on the same set, and written again from all their rows. -#}
{% macro dms_touched_columns(table, grain) -%}
    {%- if grain == 'key' -%}
        {{ return([dms_contract(table).primary_key]) }}
    {%- elif grain == 'row' -%}
        {{ return(['_source_file', '_row_number']) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("dms_touched_columns: grain must be key or row, got " ~ grain) }}
{%- endmacro %}

{#- Whether the row `alias` of the model's input is in the scratch table of touched keys
    or rows (the model's filter when incremental, and the delete hook's). -#}
{% macro dms_is_touched(table, grain, alias) -%}
    exists (
        select 1
        from {{ incremental_scratch('touched') }} as touched
        where
        {%- for column in dms_touched_columns(table, grain) %}
            {{ 'and ' if not loop.first }}touched.{{ column }} = {{ alias }}.{{ column }}
        {%- endfor %}
    )
{%- endmacro %}

{% macro dms_touched_hook(table, grain) -%}
    {%- if incremental_run() %}
    create or replace temporary table {{ incremental_scratch('touched') }} as
    select distinct {{ dms_touched_columns(table, grain) | join(', ') }}
    from {{ ref('base_dms__' ~ table) }}
    where _staged_at > {{ stamp_watermark('_resolved_at') }}
    {%- endif %}
{%- endmacro %}

{#- Delete what the model holds for every touched key or row. When every parsed row is
    newer than the watermark, base_dms__<table> was parsed again from scratch (a retracted
    batch): every row goes, including keys and rows that only the retracted batch had. -#}
{% macro dms_touched_delete_hook(table, grain) -%}
    {%- if incremental_run() %}
    delete from {{ this }}
    where {{ dms_is_touched(table, grain, this) }}
        or (select min(_staged_at) from {{ ref('base_dms__' ~ table) }}) > {{ stamp_watermark('_resolved_at') }}
    {%- endif %}
{%- endmacro %}
