{#- Per table and landed file: how many rows arrived (raw), were kept (valid, whether or
    not they won as the current version) and were quarantined. Each count is taken from
    its own layer, so a row lost or duplicated between raw and staging shows up as
    rows_arrived <> rows_kept + rows_quarantined (tested). -#}

{%- set dms_tables = [
    'branches', 'technicians', 'assets', 'tickets', 'part_requests', 'time_punches',
    'callbacks',
] %}

with
{%- for t in dms_tables %}
raw_{{ t }} as (
    select * from {{ source('dms', t) }}
),

base_{{ t }} as (
    select * from {{ ref('base_dms__' ~ t) }}
),

quarantine_{{ t }} as (
    select * from {{ ref('stg_dms__' ~ t ~ '_quarantine') }}
),
{% endfor %}
row_flags as (
    {%- for t in dms_tables %}
    select
        '{{ t }}' as table_name,
        _source_file as source_file,
        1 as is_arrived,
        0 as is_kept,
        0 as is_quarantined
    from raw_{{ t }}

    union all

    select
        '{{ t }}' as table_name,
        _source_file as source_file,
        0 as is_arrived,
        1 as is_kept,
        0 as is_quarantined
    from base_{{ t }}
    where _quarantine_reason is null

    union all

    select
        '{{ t }}' as table_name,
        _source_file as source_file,
        0 as is_arrived,
        0 as is_kept,
        1 as is_quarantined
    from quarantine_{{ t }}
    {%- if not loop.last %}

    union all
    {% endif %}
    {%- endfor %}
),

counted as (
    select
        table_name,
        source_file,
        cast(sum(is_arrived) as bigint) as rows_arrived,
        cast(sum(is_kept) as bigint) as rows_kept,
        cast(sum(is_quarantined) as bigint) as rows_quarantined
    from row_flags
    group by table_name, source_file
),

final as (
    select
        table_name,
        source_file,
        rows_arrived,
        rows_kept,
        rows_quarantined,
        cast(
            cast(rows_quarantined as decimal(18, 6)) / nullif(rows_arrived, 0)
            as decimal(9, 6)
        ) as quarantined_share
    from counted
)

select * from final
