{#- int_punches_sequenced is incremental on DuckDB (docs/architecture.md, "Incremental
    refresh"; D-099). A punch's classification depends only on its neighbours in its
    sequence (employee, punch_kind, sequence_ticket_id), ordered by (punched_epoch,
    punch_id). When punches are touched (a row of base_dms__time_punches parsed since the
    model was last written: a new punch, a late version, a deletion, a quarantine released
    or imposed), each sequence holding a version of one of them (the stored one or the
    new one) is recomputed from `from_epoch`, the earliest epoch of those versions: every
    punch at or after it, and the last punch before it (P1, whose `next` may have changed).
    The window reads one punch more (P2, the `previous` of P1). Everything before P1 keeps
    its neighbours, so its row stays. Touched punches that cannot be sequenced (no time
    zone, a job punch without ticket) are rewritten by punch_id.

    Every punch is recomputed when base_dms__time_punches was parsed again from scratch (a
    retracted batch), when a branch changed (time zones) or when the model is empty.
    On Spark (incremental_materialization() answers `table`), in a full refresh and in dbt
    unit tests, every punch is sequenced. -#}

{#- The sequence a punch belongs to: shifts one per employee, jobs one per employee and
    work order. -#}
{% macro punch_kind(punch_type) -%}
    case when {{ punch_type }} in ('shift_start', 'shift_end') then 'shift' else 'job' end
{%- endmacro %}

{% macro punch_sequence_ticket(kind, ticket_id) -%}
    case when {{ kind }} = 'job' then {{ ticket_id }} end
{%- endmacro %}

{#- Whether `alias`'s sequence is a recomputed one (`scope` the scope scratch table);
    `kind` the expression of its punch kind (default: its `punch_kind` column). -#}
{% macro punch_in_scope(scope, alias, kind=none) -%}
    {%- set kind = kind or alias ~ '.punch_kind' -%}
    {{ scope }}.employee_id = {{ alias }}.employee_id
    and {{ scope }}.punch_kind = {{ kind }}
    and {{ scope }}.sequence_ticket_id is not distinct from
        {{ punch_sequence_ticket(kind, alias ~ '.ticket_id') }}
{%- endmacro %}

{#- Pre-hook 1: the touched punches. -#}
{% macro punches_touched_hook() -%}
    {%- if incremental_run() %}
    create or replace temporary table {{ incremental_scratch('touched') }} as
    select distinct punch_id
    from {{ ref('base_dms__time_punches') }}
    where _staged_at > {{ stamp_watermark('_computed_at') }}
    {%- endif %}
{%- endmacro %}

{#- Pre-hook 2: whether every punch is recomputed (one row, `recompute_all`), and the
    stamp of the build that last wrote the model (`previous_build_at`, read before the
    delete): stg_dms__time_punches rewrote every touched punch's current version after
    it (a build after a failed or partial one is a full refresh), so its rows stamped
    later hold them all and are found without reading the others (D-128). -#}
{% macro punches_all_hook() -%}
    {%- if incremental_run() %}
    create or replace temporary table {{ incremental_scratch('all') }} as
    select
        (
            (select min(_staged_at) from {{ ref('base_dms__time_punches') }}) > {{ stamp_watermark('_computed_at') }}
            or exists (
                select 1 from {{ ref('base_dms__branches') }}
                where _staged_at > {{ stamp_watermark('_computed_at') }}
            )
            or not exists (select 1 from {{ this }})
        ) as recompute_all,
        {{ stamp_watermark('_computed_at') }} as previous_build_at
    {%- endif %}
{%- endmacro %}

{#- Pre-hook 3: the recomputed sequences, each with from_epoch, P1 (p1_punch_id) and the
    first epoch the window reads (read_from_epoch: P2's, else P1's, else from_epoch). -#}
{% macro punches_scope_hook() -%}
    {%- if incremental_run() %}
    create or replace temporary table {{ incremental_scratch('scope') }} as
    with touched as (
        select * from {{ incremental_scratch('touched') }}
    ),

    branches as (
        select * from {{ ref('stg_dms__branches') }}
    ),

    {#- the current versions rewritten since the previous build (pre-hook 2): their
        row groups only #}
    rewritten_punches as (
        select *
        from {{ ref('stg_dms__time_punches') }}
        where _resolved_at > {{ punches_previous_build() }}
    ),

    new_versions as (
        select
            punches.employee_id,
            {{ punch_kind('punches.punch_type') }} as punch_kind,
            punches.ticket_id,
            {{ local_to_epoch('punches.punched_at', 'branches.timezone') }} as punched_epoch
        from rewritten_punches as punches
        inner join touched
            on punches.punch_id = touched.punch_id
        left join branches
            on punches.branch_code = branches.branch_code
    ),

    stored_versions as (
        select
            stored.employee_id,
            stored.punch_kind,
            stored.ticket_id,
            stored.punched_epoch
        from {{ this }} as stored
        inner join touched
            on stored.punch_id = touched.punch_id
    ),

    versions as (
        select * from new_versions
        union all
        select * from stored_versions
    ),

    {#- only versions that can be sequenced (int_punches_sequenced's unsequenced_reason) -#}
    touched_sequences as (
        select
            employee_id,
            punch_kind,
            {{ punch_sequence_ticket('punch_kind', 'ticket_id') }} as sequence_ticket_id,
            min(punched_epoch) as from_epoch
        from versions
        where punched_epoch is not null
            and not (punch_kind = 'job' and ticket_id is null)
        group by 1, 2, 3
    ),

    {#- P1 and P2: the last two stored punches before from_epoch, by (epoch, punch_id);
        an aggregate's top two, not a rank of every earlier punch (0.6 s against 0.4 s at
        1 M work orders) -#}
    before_from as (
        select
            touched_sequences.employee_id,
            touched_sequences.punch_kind,
            touched_sequences.sequence_ticket_id,
            max(
                struct_pack(punched_epoch := stored.punched_epoch, punch_id := stored.punch_id),
                2
            ) as last_two
        from {{ this }} as stored
        inner join touched_sequences
            on {{ punch_in_scope('touched_sequences', 'stored') }}
        where stored.punched_epoch < touched_sequences.from_epoch
        group by 1, 2, 3
    ),

    final as (
        select
            touched_sequences.employee_id,
            touched_sequences.punch_kind,
            touched_sequences.sequence_ticket_id,
            touched_sequences.from_epoch,
            before_from.last_two[1].punch_id as p1_punch_id,
            coalesce(
                before_from.last_two[2].punched_epoch,
                before_from.last_two[1].punched_epoch,
                touched_sequences.from_epoch
            ) as read_from_epoch
        from touched_sequences
        left join before_from
            on touched_sequences.employee_id = before_from.employee_id
            and touched_sequences.punch_kind = before_from.punch_kind
            and touched_sequences.sequence_ticket_id is not distinct from
                before_from.sequence_ticket_id
    )

    select * from final
    {%- endif %}
{%- endmacro %}

{#- Pre-hook 4: delete what is recomputed. The rows of the recomputed sequences are found
    by a join, not a correlated `exists` with an `or` in it (which DuckDB evaluates row by
    row: 2 s against 0.2 s at 1 M work orders). Each of them is at or after the earliest
    read_from_epoch (P1 too), so only those rows go into the join (D-128). -#}
{% macro punches_delete_hook() -%}
    {%- if incremental_run() %}
    delete from {{ this }}
    where (select recompute_all from {{ incremental_scratch('all') }})
        or punch_id in (
            select punch_id from {{ incremental_scratch('touched') }}
            union
            select stored.punch_id
            from {{ this }} as stored
            inner join {{ incremental_scratch('scope') }} as scope
                on {{ punch_in_scope('scope', 'stored') }}
            where stored.punched_epoch >= {{ punches_read_from() }}
                and (stored.punched_epoch >= scope.from_epoch or stored.punch_id = scope.p1_punch_id)
        )
    {%- endif %}
{%- endmacro %}

{#- The stamp of the build that last wrote the model (pre-hook 2). -#}
{% macro punches_previous_build() -%}
    (select previous_build_at from {{ incremental_scratch('all') }})
{%- endmacro %}

{#- The earliest epoch an incremental build reads: the smallest read_from_epoch of the
    recomputed sequences (P2 or P1 of each, else its from_epoch), null without any. -#}
{% macro punches_read_from() -%}
    (select min(read_from_epoch) from {{ incremental_scratch('scope') }})
{%- endmacro %}
