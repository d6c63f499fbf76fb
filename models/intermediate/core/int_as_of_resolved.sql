{#- One row: the reference time of the build (branch-local wall clock). -#}
{%- set dms_tables = ['branches', 'technicians', 'assets', 'tickets', 'part_requests', 'time_punches', 'callbacks'] %}

with
{% for dms_table in dms_tables %}
{{ dms_table }} as (
    select * from {{ ref('base_dms__' ~ dms_table) }}
),
{% endfor %}

kept_updates as (
    {%- for dms_table in dms_tables %}
    select max(updated_at) as max_updated_at
    from {{ dms_table }}
    where _quarantine_reason is null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

data_as_of as (
    select max(max_updated_at) as max_updated_at
    from kept_updates
),

final as (
    select
        {%- if var('as_of') | trim %}
        cast('{{ var("as_of") | trim }}' as {{ type_local_timestamp() }}) as as_of,
        'var' as as_of_source
        {%- else %}
        cast(max_updated_at as {{ type_local_timestamp() }}) as as_of,
        'data' as as_of_source
        {%- endif %}
    from data_as_of
)

select * from final
