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
      the labour pairing and job shares), also for a view of such a model's rows that
      carries the stamp (`view_of` names that model: int_jobs_paired, int_shifts_paired;
      D-128);
    - the rows of the keys this build rewrote, for a model rewritten per key that has no
      stamp column (`{keys: {key, scope, also}}`, set by keyed_rewrite: the served facts
      fct_work_orders, fct_part_lines, fct_follow_ups; D-120): the key is in the same
      scope macro's keys, or the `also` macro's condition holds (every key was
      rewritten);
    - the days or periods this build recomputed (int_builds_scoped), for the KPI models
      with `{kpi_days: day}` or `{kpi_days: period}` (kpi_days_incremental; `code_column`
      names the KPI column, none for the labour marts, whose rows are all of the other
      areas).
    Those tests check single rows or keys whose rows are all rewritten together (a
    touched staging key, a rewritten fact key, a recomputed KPI day), and every other row
    passed them in the build that wrote it. Relationship and singular tests, `dbt test`, a full refresh,
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
    {%- if node is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rows_built = node.config.meta.get('rows_built') or {} -%}
    {#- a view of an incremental model's rows that carries their stamp (`view_of`) -#}
    {%- set stamped = graph.nodes.get('model.' ~ project_name ~ '.' ~ rows_built['view_of'])
          if node.config.materialized == 'view' and rows_built.get('view_of') else node -%}
    {%- if stamped is none or stamped.config.materialized != 'incremental' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if rows_built.get('built_at') -%}
        {{ return(adapter.quote(rows_built['built_at']) ~ ' = ' ~ build_started_at()) }}
    {%- elif rows_built.get('keys') -%}
        {%- set keyed = rows_built['keys'] -%}
        {%- set condition = adapter.quote(keyed['key']) ~ ' in (' ~ context[keyed['scope']]() ~ ')' -%}
        {%- if keyed.get('also') -%}
            {%- set condition = '(' ~ context[keyed['also']]() ~ ') or ' ~ condition -%}
        {%- endif -%}
        {{ return(condition) }}
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

{#- The labour invariant tests (singular tests over the pairing and the job shares) read,
    in a refresh's incremental build, what that build can have changed (D-098); every
    row otherwise (a full refresh, `dbt test`, Spark, a plain build). Each macro gives a
    condition on a column, or none. -#}
{% macro labour_rows_built_enabled() -%}
    {%- if not execute or flags.WHICH != 'build'
          or env_var('AFTERSALES_TEST_ROWS_BUILT', 'false') != 'true' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set node = graph.nodes.get('model.' ~ project_name ~ '.int_punches_sequenced') -%}
    {{ return(node is not none and node.config.materialized == 'incremental') }}
{%- endmacro %}

{#- The punches this build re-sequenced (int_punches_sequenced rows stamped with it) or
    parsed (every row of base_dms__time_punches stamped with it: a deletion too).
    assert_every_punch_paired_or_orphaned and assert_punch_partners_name_each_other
    check those; any other punch keeps the sequence row and the pair rows it had when an
    earlier build passed the tests: a pair that changes has both ends re-sequenced
    (D-099: everything from the first touched epoch on, and the punch before it). -#}
{% macro labour_punches_built(column) -%}
    {#- the refs come first, so that dbt records them while parsing -#}
    {%- set versions = ref('base_dms__time_punches') -%}
    {%- set sequenced = ref('int_punches_sequenced') -%}
    {%- if not labour_rows_built_enabled() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set condition -%}
    {{ column }} in (
        select punch_id from {{ sequenced }} where _computed_at = {{ build_started_at() }}
        union
        {{ keys_parsed_in_this_build('base_dms__time_punches', 'punch_id') }}
    )
    {%- endset -%}
    {{ return(condition) }}
{%- endmacro %}

{#- The busy periods this build can have changed (D-122): per employee this build can
    have changed (with a punch version parsed in this build, every version of such a punch,
    so a punch moved to another employee, or deleted, counts for both; or with a row this
    build re-sequenced or re-allocated), `from_epoch`, the start of the earliest such period, or the
    smallest bigint (every job of his) when nothing of his below says where they start.
    assert_job_shares_add_up_to_union_of_job_time holds per busy period (the jobs of one
    stretch of time with a job open: their shares add up to its length) and reads the
    jobs and shares starting at or after `from_epoch`.

    A job that can have changed holds a punch this build re-sequenced (the pairing
    rewrites each touched sequence from its earliest touched version on, and the punch
    before it: D-099), so it ends at or after that employee's earliest re-sequenced punch
    minus var('max_pair_hours') (no pair is longer: assert_labour_pairs_within_max_hours,
    which reads every pair), `reach_epoch`. The periods start at the busy period
    (`busy_from_epoch`) of each share row ending at or after `reach_epoch`, written in this
    build or naming a punch parsed in it (a row that should have gone), and no later than
    the start of each job ending at or after `reach_epoch` (its period's start when its
    share row is right: a job without one fails the test either way). Every period
    starting at or after `from_epoch` is read whole, so none is cut. -#}
{% macro labour_busy_periods_built() -%}
    {#- the refs come first, so that dbt records them while parsing -#}
    {%- set versions = ref('base_dms__time_punches') -%}
    {%- set sequenced = ref('int_punches_sequenced') -%}
    {%- set shares = ref('int_job_shares_allocated') -%}
    {%- set jobs = ref('int_jobs_paired') -%}
    {%- if not labour_rows_built_enabled() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set periods -%}
        with

        parsed as (
            {{ keys_parsed_in_this_build('base_dms__time_punches', 'punch_id') }}
        ),

        employees as (
            select all_versions.employee_id
            from {{ versions }} as all_versions
            where all_versions.punch_id in (select punch_id from parsed)
            union
            select employee_id from {{ sequenced }} where _computed_at = {{ build_started_at() }}
            union
            select employee_id from {{ shares }} where _computed_at = {{ build_started_at() }}
        ),

        reaches as (
            select
                employee_id,
                min(punched_epoch) - {{ var('max_pair_hours') }} * 3600 as reach_epoch
            from {{ sequenced }}
            where _computed_at = {{ build_started_at() }}
            group by employee_id
        ),

        period_starts as (
            select employee_id, busy_from_epoch as from_epoch
            from {{ shares }}
            where _computed_at = {{ build_started_at() }}
            union all
            select shares.employee_id, shares.busy_from_epoch
            from {{ shares }} as shares
            inner join reaches
                on shares.employee_id = reaches.employee_id
                and shares.end_epoch >= reaches.reach_epoch
            union all
            select employee_id, busy_from_epoch
            from {{ shares }}
            where job_id in (select punch_id from parsed)
                or end_punch_id in (select punch_id from parsed)
            union all
            select jobs.employee_id, jobs.start_epoch
            from {{ jobs }} as jobs
            inner join reaches
                on jobs.employee_id = reaches.employee_id
                and jobs.end_epoch >= reaches.reach_epoch
        )

        select
            employees.employee_id,
            coalesce(min(period_starts.from_epoch), -9223372036854775807) as from_epoch
        from employees
        left join period_starts
            on employees.employee_id = period_starts.employee_id
        group by employees.employee_id
    {%- endset -%}
    {{ return(periods) }}
{%- endmacro %}

{#- The work orders whose sold-hours split this build can have changed: those it split
    again (int_sold_hours_allocated rows stamped with it) and the model's own scope with
    "parsed in this build" (sold_hours_scope: the work orders parsed, those of the job
    shares written, those any version of a parsed punch names).
    assert_sold_hours_split_weights_sum_to_one (it holds per work order) reads those; any
    other work order keeps its current version, its job shares and its split rows from a
    build that passed the test. -#}
{% macro labour_tickets_built(column='ticket_id') -%}
    {#- the refs come first, so that dbt records the ones sold_hours_scope() reads -#}
    {%- set tickets = ref('base_dms__tickets') -%}
    {%- set versions = ref('base_dms__time_punches') -%}
    {%- set shares = ref('int_job_shares_allocated') -%}
    {%- set split = ref('int_sold_hours_allocated') -%}
    {%- if not labour_rows_built_enabled() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set condition -%}
    {{ column }} in (
        select ticket_id from {{ split }} where _computed_at = {{ build_started_at() }}
        union
        {{ sold_hours_scope(in_this_build=true) }}
    )
    {%- endset -%}
    {{ return(condition) }}
{%- endmacro %}

{#- `where <condition>`, or nothing when `condition` is none (every row). -#}
{% macro where_clause(condition) -%}
    {%- if condition -%} where {{ condition }}{%- endif -%}
{%- endmacro %}
