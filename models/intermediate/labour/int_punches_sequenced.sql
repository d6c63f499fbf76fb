{#- Every valid punch, placed in its pairing sequence and classified: the partner punch it
    pairs with, or the reason it is an orphan. Shifts are sequenced per employee, jobs per
    employee and ticket, both in absolute time (then punch_id). int_shifts_paired,
    int_jobs_paired and int_punches_orphaned all read this one classification.

    Incremental on DuckDB: a build recomputes only the sequences its touched punches are
    in, from the first touched epoch (macros/labour/punches_incremental.sql, D-099). -#}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=[
        '{{ punches_touched_hook() }}',
        '{{ punches_all_hook() }}',
        '{{ punches_scope_hook() }}',
        '{{ punches_delete_hook() }}',
    ],
    meta={'rows_built': {'built_at': '_computed_at'}},
) }}
{{- incremental_hook_dependencies(['base_dms__time_punches', 'base_dms__branches']) }}
{%- set max_pair_seconds = var('max_pair_hours') * 3600 %}

with

punches as (
    select * from {{ ref('stg_dms__time_punches') }}
    {%- if incremental_run() %}
    {#- what an incremental build can recompute, found by comparisons instead of the
        joins below on every punch (D-128): a punch of a recomputed sequence that the
        window reads is at or after the earliest read_from_epoch, so its local time is
        at most a day before it (time zones are UTC-12 to UTC+14); a touched punch that
        cannot be sequenced was rewritten since the previous build #}
    where (select recompute_all from {{ incremental_scratch('all') }})
        or epoch(punched_at) >= {{ punches_read_from() }} - 86400
        or _resolved_at > {{ punches_previous_build() }}
    {%- endif %}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),
{%- if incremental_run() %}

recompute_all as (
    select recompute_all from {{ incremental_scratch('all') }}
),

touched as (
    select punch_id from {{ incremental_scratch('touched') }}
),

scope as (
    select * from {{ incremental_scratch('scope') }}
),
{%- endif %}

located as (
    select
        punches.punch_id,
        punches.employee_id,
        punches.branch_code,
        punches.punch_type,
        punches.ticket_id,
        punches.punched_at,
        punches._source_file,
        {{ punch_kind('punches.punch_type') }} as punch_kind,
        {%- if incremental_run() %}
        scope.from_epoch as scope_from_epoch,
        scope.read_from_epoch as scope_read_from_epoch,
        scope.p1_punch_id as scope_p1_punch_id,
        {%- endif %}
        case
            when punches.punch_type in ('shift_start', 'job_start') then 'start'
            else 'end'
        end as punch_edge,
        {{ local_to_epoch('punches.punched_at', 'branches.timezone') }} as punched_epoch
    from punches
    left join branches
        on punches.branch_code = branches.branch_code
    {%- if incremental_run() %}
    {#- the touched punches and every punch of a recomputed sequence, found by a join
        (a correlated `exists` in an `or` is evaluated row by row: 1.4 s against 0.5 s
        at 1 M work orders) #}
    left join scope
        on {{ punch_in_scope('scope', 'punches', punch_kind('punches.punch_type')) }}
    where (select recompute_all from recompute_all)
        or scope.employee_id is not null
        or punches.punch_id in (select punch_id from touched)
    {%- endif %}
),

keyed as {{ not_materialized_in_full_build() }} (
    select
        punch_id,
        employee_id,
        branch_code,
        punch_type,
        ticket_id,
        punched_at,
        _source_file,
        punch_kind,
        punch_edge,
        punched_epoch,
        {%- if incremental_run() %}
        scope_from_epoch,
        scope_read_from_epoch,
        scope_p1_punch_id,
        {%- endif %}
        case
            when punched_epoch is null then 'unknown_branch_timezone'
            when punch_kind = 'job' and ticket_id is null then 'job_punch_without_ticket'
        end as unsequenced_reason,
        -- shifts form one sequence per employee; jobs one per employee and ticket
        {{ punch_sequence_ticket('punch_kind', 'ticket_id') }} as sequence_ticket_id
    from located
),

sequenceable as (
    select * from keyed
    where unsequenced_reason is null
    {%- if incremental_run() %}
        {#- a recomputed sequence from P2 on (the window's input) #}
        and (
            (select recompute_all from recompute_all)
            or punched_epoch >= scope_read_from_epoch
        )
    {%- endif %}
),

neighboured as (
    select
        punch_id,
        employee_id,
        branch_code,
        punch_type,
        ticket_id,
        punched_at,
        _source_file,
        punch_kind,
        punch_edge,
        punched_epoch,
        {%- if incremental_run() %}
        scope_from_epoch,
        scope_p1_punch_id,
        {%- endif %}
        lead(punch_id) over sequence_window as next_punch_id,
        lead(punch_edge) over sequence_window as next_edge,
        lead(punched_at) over sequence_window as next_punched_at,
        lead(punched_epoch) over sequence_window as next_epoch,
        lag(punch_id) over sequence_window as previous_punch_id,
        lag(punch_edge) over sequence_window as previous_edge,
        lag(punched_at) over sequence_window as previous_punched_at,
        lag(punched_epoch) over sequence_window as previous_epoch
    from sequenceable
    window sequence_window as (
        partition by employee_id, punch_kind, sequence_ticket_id
        order by punched_epoch, punch_id
    )
),

classified as (
    select
        punch_id,
        employee_id,
        branch_code,
        punch_type,
        ticket_id,
        punched_at,
        _source_file,
        punch_kind,
        punch_edge,
        punched_epoch,
        case when punch_edge = 'start' then next_punch_id else previous_punch_id end
            as partner_punch_id,
        case when punch_edge = 'start' then next_punched_at else previous_punched_at end
            as partner_punched_at,
        case when punch_edge = 'start' then next_epoch else previous_epoch end
            as partner_epoch,
        case
            when punch_edge = 'start' and next_edge is null
                then {{ dbt.concat(["punch_kind", "'_start_without_end'"]) }}
            when punch_edge = 'start' and next_edge = 'start'
                then {{ dbt.concat(["punch_kind", "'_start_followed_by_start'"]) }}
            when punch_edge = 'start' and next_epoch - punched_epoch > {{ max_pair_seconds }}
                then {{ dbt.concat(["punch_kind", "'_over_max_hours'"]) }}
            when punch_edge = 'end' and (previous_edge is null or previous_edge = 'end')
                then {{ dbt.concat(["punch_kind", "'_end_without_start'"]) }}
            when punch_edge = 'end' and punched_epoch - previous_epoch > {{ max_pair_seconds }}
                then {{ dbt.concat(["punch_kind", "'_over_max_hours'"]) }}
        end as orphan_reason
    from neighboured
    {%- if incremental_run() %}
    {#- the rows written: P1 and every punch from from_epoch on #}
    where (select recompute_all from recompute_all)
        or punched_epoch >= scope_from_epoch
        or punch_id = scope_p1_punch_id
    {%- endif %}
),

unsequenced as (
    select
        punch_id,
        employee_id,
        branch_code,
        punch_type,
        ticket_id,
        punched_at,
        _source_file,
        punch_kind,
        punch_edge,
        punched_epoch,
        cast(null as {{ dbt.type_string() }}) as partner_punch_id,
        cast(null as {{ type_local_timestamp() }}) as partner_punched_at,
        cast(null as bigint) as partner_epoch,
        unsequenced_reason as orphan_reason
    from keyed
    where unsequenced_reason is not null
    {%- if incremental_run() %}
        and ((select recompute_all from recompute_all) or punch_id in (select punch_id from touched))
    {%- endif %}
),

unioned as (
    select * from classified
    union all
    select * from unsequenced
),

final as (
    select
        punch_id,
        employee_id,
        branch_code,
        punch_type,
        ticket_id,
        punched_at,
        _source_file,
        punch_kind,
        punch_edge,
        punched_epoch,
        case when orphan_reason is null then partner_punch_id end as partner_punch_id,
        case when orphan_reason is null then partner_punched_at end as partner_punched_at,
        case when orphan_reason is null then partner_epoch end as partner_epoch,
        orphan_reason,
        {{ build_started_at() }} as _computed_at
    from unioned
)

select * from final
