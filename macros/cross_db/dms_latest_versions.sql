{#- The latest version of every key among the rows of `relation` that `filter` keeps
    (a condition on the relation's row, written `{alias}.<column>`): the greatest updated_at, then
    the later file, then the later row of the file (the DMS version rule, doc block
    dms_source). Every column of the winning row; a winning deletion is still returned
    (the caller drops it). Called by dms_current_versions (stg_dms__<table>).

    `many_versions`: the table's keys usually have several versions (the contract's
    `versions_per_key: many`, D-129). Only then does DuckDB take the greatest
    (updated_at, file, row) of each key by one aggregate and fetch its row by a join on
    the key, file and row number (a table's file and row number name one row). At 10 M
    work orders: stg_dms__tickets (3.0 versions per key) 23.8 s against 62.4 s for the
    window, the same rows; with about one version per key the window wins
    (part_requests 30.5 s against 37.3 s, time_punches 26.6 s against 67.9 s). The
    contract requires updated_at, and file and row are never null, so the struct's order
    is the window's. No row id: a dbt unit test reads the relation as a CTE.
    Otherwise, and always on Spark: a row_number() window over each key's versions. -#}
{% macro dms_latest_versions(relation, key, filter, many_versions=false) -%}
    {{ return(adapter.dispatch('dms_latest_versions', 'aftersales')(relation, key, filter, many_versions)) }}
{%- endmacro %}

{% macro default__dms_latest_versions(relation, key, filter, many_versions=false) -%}
    select *
    from (
        select
            candidates.*,
            row_number() over (
                partition by {{ key }}
                order by updated_at desc, _source_file desc, _row_number desc
            ) as _version_rank
        from {{ relation }} as candidates
        where {{ filter | replace('{alias}', 'candidates') }}
    ) as ranked
    where _version_rank = 1
{%- endmacro %}

{% macro duckdb__dms_latest_versions(relation, key, filter, many_versions=false) -%}
    {%- if not many_versions -%}
    {{ default__dms_latest_versions(relation, key, filter) }}
    {%- else -%}
    select versions.*
    from {{ relation }} as versions
    inner join (
        select
            {{ key }} as latest_key,
            max(struct_pack(
                updated_at := updated_at,
                source_file := _source_file,
                row_in_file := _row_number
            )) as latest
        from {{ relation }} as candidates
        where {{ filter | replace('{alias}', 'candidates') }}
        group by {{ key }}
    ) as latest_of_key
        on versions.{{ key }} = latest_of_key.latest_key
        and versions._source_file = latest_of_key.latest.source_file
        and versions._row_number = latest_of_key.latest.row_in_file
    {#- the same filter on the winners' side lets an incremental build's row-id filter
        reach that scan too #}
    where {{ filter | replace('{alias}', 'versions') }}
    {%- endif -%}
{%- endmacro %}
