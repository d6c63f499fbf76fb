{#- int_job_shares_allocated is incremental on DuckDB (docs/architecture.md, "Incremental
    refresh"; D-099). A job's share depends only on the jobs of its employee's busy period
    (the maximal stretch of time in which the employee has a job open): the shares are
    summed per busy period, so a period's rows are computed from the same rows, in the same
    order, whatever else the build reads, and an incremental build gives the same doubles
    as a full one.

    Per employee, `changed_from_epoch` is the earliest start of a changed job: a job
    (stored or new) whose start or end punch int_punches_sequenced rewrote in this build,
    or that was touched since this model was last written (a deleted punch leaves no row
    to rewrite). Nothing before it changed, so a job ending before it keeps its share.
    Every job ending at or after it is recomputed, from the jobs ending at or after
    `read_from_epoch`: the start of the stored busy period of any such job (the periods
    that reach into the changed time start no earlier), or changed_from_epoch.

    Every job is recomputed when the model is empty. On Spark, in a full refresh and in
    dbt unit tests, every job is. -#}

{#- Pre-hook 1: whether every job is recomputed (one row, `recompute_all`): the model is
    empty. -#}
{% macro job_shares_all_hook() -%}
    {%- if incremental_run() %}
    create or replace temporary table {{ incremental_scratch('all') }} as
    select not exists (select 1 from {{ this }}) as recompute_all
    {%- endif %}
{%- endmacro %}

{#- Pre-hook 2: the punches that changed. -#}
{% macro job_shares_changed_hook() -%}
    {%- if incremental_run() %}
    create or replace temporary table {{ incremental_scratch('changed') }} as
    select punch_id
    from {{ ref('int_punches_sequenced') }}
    where _computed_at = {{ build_started_at() }}
    union
    select punch_id
    from {{ ref('base_dms__time_punches') }}
    where _staged_at > {{ stamp_watermark('_computed_at') }}
    {%- endif %}
{%- endmacro %}

{#- Pre-hook 3: the employees whose jobs are recomputed, from when. -#}
{% macro job_shares_scope_hook() -%}
    {%- if incremental_run() %}
    create or replace temporary table {{ incremental_scratch('scope') }} as
    with changed as (
        select * from {{ incremental_scratch('changed') }}
    ),

    {#- a job whose start or end punch changed, stored or new. Stored: two joins, not two
        `in` lists in an `or`, which DuckDB answers by reading every job, also when
        nothing changed (D-128). New: the jobs int_punches_sequenced stamped in this
        build, found by the stamp, not by joins that read every punch (D-142). A job's
        start and end punch are neighbours in their sequence, and a build rewrites every
        touched punch, every punch after it in its sequence and the one before it (P1):
        so a job whose start or end punch was touched or rewritten has its start punch
        rewritten, and its row in int_jobs_paired carries this build's stamp. Every
        rewritten punch is in `changed`, so the stamped jobs are exactly the new jobs a
        join on `changed` finds, but one: a job whose end punch alone was rewritten, as
        P1. Its end punch is classified by the punch before it, so the job is unchanged;
        it is stored, and the stored side still finds it by its end punch. -#}
    changed_jobs as (
        {%- for punch in ['job_id', 'end_punch_id'] %}
        {{ 'union all' if not loop.first }}
        select
            stored.employee_id,
            stored.start_epoch
        from {{ this }} as stored
        inner join changed
            on stored.{{ punch }} = changed.punch_id
        {%- endfor %}
        union all
        select
            jobs.employee_id,
            jobs.start_epoch
        from {{ ref('int_jobs_paired') }} as jobs
        where jobs._computed_at = {{ build_started_at() }}
    ),

    changed_employees as (
        select
            employee_id,
            min(start_epoch) as changed_from_epoch
        from changed_jobs
        group by employee_id
    ),

    reaching_periods as (
        select
            changed_employees.employee_id,
            min(stored.busy_from_epoch) as busy_from_epoch
        from {{ this }} as stored
        inner join changed_employees
            on stored.employee_id = changed_employees.employee_id
        where stored.end_epoch >= changed_employees.changed_from_epoch
        group by changed_employees.employee_id
    ),

    final as (
        select
            changed_employees.employee_id,
            changed_employees.changed_from_epoch,
            least(
                changed_employees.changed_from_epoch,
                coalesce(reaching_periods.busy_from_epoch, changed_employees.changed_from_epoch)
            ) as read_from_epoch
        from changed_employees
        left join reaching_periods
            on changed_employees.employee_id = reaching_periods.employee_id
    )

    select * from final
    {%- endif %}
{%- endmacro %}

{#- Whether the job `alias` ends at or after its employee's `bound` column of the scope.
    The comparison with the smallest bound comes first: DuckDB then joins only the jobs
    ending since, none when nothing changed (D-128). -#}
{% macro job_in_scope(alias, bound) -%}
    (
        {{ alias }}.end_epoch >= (select min({{ bound }}) from {{ incremental_scratch('scope') }})
        and exists (
            select 1
            from {{ incremental_scratch('scope') }} as scope
            where scope.employee_id = {{ alias }}.employee_id
                and {{ alias }}.end_epoch >= scope.{{ bound }}
        )
    )
{%- endmacro %}

{#- Pre-hook 4: delete the jobs recomputed. -#}
{% macro job_shares_delete_hook() -%}
    {%- if incremental_run() %}
    delete from {{ this }}
    where {{ job_in_scope(this, 'changed_from_epoch') }}
    {%- endif %}
{%- endmacro %}
