{#- Roll daily KPI rows up to every grain of `kpi_grains()`, per branch and for the
    network (branch_code null), by adding numerators and denominators: a rate is never
    averaged.

    `daily` names a CTE with columns kpi_code, kind, <keys...>, branch_code, date_day,
    numerator, denominator (`kind` from the kpi_definitions seed). `keys` are extra
    grouping columns kept on every row (e.g. ['employee_id'] for technician KPIs).
    The macro emits CTEs (`<prefix>_day_periods`, `_day_ranked`, `_day_branches`; with
    `stored` also `<prefix>_months`, `_month_periods`, `_month_ranked`, `_month_branches`;
    then `<prefix>_branches`, `<prefix>_network`) ending with `<prefix>_rolled_up`; call it
    after `with … ,` and continue with `, next_cte as (…)`.

    Kind-based roll-up over time:
    - `ratio`, `count`, `amount`: the sum of the period's daily numerators and
      denominators; count and amount KPIs publish no denominator.
    - `snapshot` (backlog): the value of the period's last day that has a row, per branch;
      the network is the sum of the branches' period values ("summed across branches,
      last value over time").
    Over branches every kind is a sum: network = Σ branch numerators and denominators.

    `periods` (optional) names a CTE of per-period rows (int_kpi_<code>_periods models:
    kpi_code, kind, grain, period_start, <keys...>, branch_code, numerator, denominator)
    for KPIs that are not a sum of days (distinct counts). They are already rolled up
    over time by their model, so they join the branch rows as they are and are added
    into the network like the others.

    `scope` (kpi_scope()'s answer, with `code_column` naming the daily rows' KPI column, or
    none for rows of the other areas' KPIs): in an incremental build, each grain reads only
    the days of its recomputed periods (kpi_days_incremental), not every day.

    The days roll up to days, weeks and months; the quarters and years are rolled up from
    the months, not from days (D-107, D-116): a sum of month sums is the sum of the days
    (the measures are decimals, so the result is the same to the last digit), and a
    snapshot's last month with a row holds its last day with a row. A full build so sorts
    and sums each day row three times, not five.

    `stored` (with `scope`, in an incremental build) names a CTE of the model's own month
    rows that the build keeps (the branch rows of the daily KPIs that the delete hook left:
    kpi_code, kind, <keys...>, branch_code, period_start, numerator, denominator). The
    quarters and years are then rolled up from months, the recomputed ones and those
    stored: a year reopened by a recomputed day reads twelve month rows per branch, not
    365 days (D-107). The caller's daily rows then need to reach back only to the first
    day of kpi_rollup_day_grains().

    Only a snapshot KPI's rows are ranked (its period value is its last row); the rows of
    the other kinds are summed without a window (D-116). -#}
{% macro kpi_rollup(daily, keys=[], prefix='kpi', periods=none, scope=none, code_column=none, stored=none) -%}
    {%- set day_grains = kpi_rollup_day_grains() -%}
    {%- set month_grains = [] -%}
    {%- for grain in kpi_grains() if grain not in day_grains -%}{%- do month_grains.append(grain) -%}{%- endfor -%}
    {%- set key_cols = [] -%}
    {%- for key in keys -%}{%- do key_cols.append(key ~ ',') -%}{%- endfor -%}
    {#- the columns that identify a rolled-up row, branch_code aside -#}
    {%- set period_columns -%}
            kpi_code,
            kind,
            grain,
            period_start,
            {{ key_cols | join(' ') }}
    {%- endset -%}
    {{ kpi_rollup_over_time(prefix ~ '_day', daily, day_grains, 'date_day', key_cols, code_column, scope) }},

    {%- if month_grains %}

    {{ prefix }}_months as (
        {%- for source in [prefix ~ '_day_branches'] + ([stored] if stored is not none else []) %}
        select
            kpi_code,
            kind,
            {{ key_cols | join(' ') }}
            branch_code,
            period_start,
            numerator,
            denominator
        from {{ source }}
        {%- if loop.first %}
        where grain = 'month'
        {%- endif %}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ),

    {{ kpi_rollup_over_time(prefix ~ '_month', prefix ~ '_months', month_grains, 'period_start', key_cols, code_column, scope) }},
    {%- endif %}

    {{ prefix }}_branches as (
        {%- for source in [prefix ~ '_day_branches'] + ([prefix ~ '_month_branches'] if month_grains else []) + ([periods] if periods else []) %}
        select
            {{ period_columns }}
            branch_code,
            numerator,
            denominator
        from {{ source }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ),

    {{ prefix }}_network as (
        select
            {{ period_columns }}
            cast(null as {{ dbt.type_string() }}) as branch_code,
            sum(numerator) as numerator,
            sum(denominator) as denominator
        from {{ prefix }}_branches
        group by
            {{ period_columns | trim | trim(',') }}
    ),

    {{ prefix }}_rolled_up as (
        {%- for level in ['branches', 'network'] %}
        select
            {{ period_columns }}
            branch_code,
            numerator,
            case when kind in ('count', 'amount') then null else denominator end as denominator
        from {{ prefix }}_{{ level }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    )
{%- endmacro %}

{#- Part of kpi_rollup(): the rows of `source` (one per day, or per month) rolled up over
    time to each grain of `grains`, per branch: CTEs `<name>_periods` (each row once per
    grain, with the period holding its `time_column`; in an incremental build only the
    recomputed periods), `<name>_ranked` (the snapshot KPIs' rows, ranked from the
    period's last) and `<name>_branches` (ratio, count and amount KPIs add up, without a
    window; a snapshot keeps the period's last row). -#}
{% macro kpi_rollup_over_time(name, source, grains, time_column, key_cols, code_column, scope) -%}
    {%- set period_columns -%}
            kpi_code,
            kind,
            grain,
            period_start,
            {{ key_cols | join(' ') }}
    {%- endset -%}
    {{ name }}_periods as (
        {%- for grain in grains %}
        select
            kpi_code,
            kind,
            '{{ grain }}' as grain,
            cast({{ dbt.date_trunc(grain, time_column) }} as date) as period_start,
            {{ key_cols | join(' ') }}
            branch_code,
            {{ time_column }} as time_point,
            numerator,
            denominator
        from {{ source }}
        {{ kpi_recomputed(time_column, code_column=code_column, kind='period', grain="'" ~ grain ~ "'", scope=scope) }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ),

    {{ name }}_ranked as (
        select
            {{ period_columns }}
            branch_code,
            numerator,
            denominator,
            row_number() over (
                partition by kpi_code, grain, period_start, {{ key_cols | join(' ') }} branch_code
                order by time_point desc
            ) as rank_desc
        from {{ name }}_periods
        where kind = 'snapshot'
    ),

    {{ name }}_branches as (
        select
            {{ period_columns }}
            branch_code,
            sum(numerator) as numerator,
            sum(denominator) as denominator
        from {{ name }}_periods
        where kind is null or kind != 'snapshot'
        group by
            {{ period_columns }}
            branch_code
        union all
        select
            {{ period_columns }}
            branch_code,
            sum(case when rank_desc > 1 then null else numerator end) as numerator,
            sum(case when rank_desc > 1 then null else denominator end) as denominator
        from {{ name }}_ranked
        group by
            {{ period_columns }}
            branch_code
    )
{%- endmacro %}

{#- The body of kpi_rollup()'s `stored` CTE for a model incremental by period: its own
    branch month rows that the build keeps (the delete hook removed the recomputed ones),
    from the first day of the recomputed years on, with the KPI's kind; `keys` as in
    kpi_rollup(); `code_column` names the rows' KPI column for kpi_recomputed (none for
    the labour marts); `exclude_codes` leaves out KPIs whose rows are not rolled up from
    days (the per-period KPIs). -#}
{% macro kpi_stored_months(scope, keys=[], code_column=none, exclude_codes=[]) -%}
    select
        stored.kpi_code,
        stored_definitions.kind,
        {%- for key in keys %}
        stored.{{ key }},
        {%- endfor %}
        stored.branch_code,
        stored.period_start,
        stored.numerator,
        stored.denominator
    from {{ this }} as stored
    inner join {{ ref('kpi_definitions') }} as stored_definitions
        on stored.kpi_code = stored_definitions.kpi_code
    where stored.grain = 'month'
        and stored.branch_code is not null
        {%- if exclude_codes %}
        and stored.kpi_code not in ('{{ exclude_codes | join("', '") }}')
        {%- endif %}
        {{ kpi_recomputed('stored.period_start', code_column=code_column, kind='period', grain="'year'", keyword='and', scope=scope) }}
{%- endmacro %}

{#- The grains kpi_rollup() rolls up from days, in a full build and an incremental one
    alike: those that are not whole months (the quarters and years come from months,
    D-116). -#}
{% macro kpi_rollup_day_grains() -%}
    {{ return(['day', 'week', 'month']) }}
{%- endmacro %}

{#- The published value of a rolled-up row. -#}
{% macro kpi_value(kind, numerator, denominator, scale) -%}
    case
        when {{ kind }} in ('count', 'amount') then cast({{ numerator }} as double)
        when {{ kind }} = 'snapshot' and {{ denominator }} is null then cast({{ numerator }} as double)
        when {{ denominator }} is null or {{ denominator }} = 0 then null
        else cast({{ numerator }} as double) / cast({{ denominator }} as double) * {{ scale }}
    end
{%- endmacro %}

{#- value <comparator> target; null without a value or a target. -#}
{% macro kpi_meets_target(value, comparator, target) -%}
    case
        when {{ value }} is null or {{ target }} is null then null
        when {{ comparator }} = '>' then {{ value }} > {{ target }}
        when {{ comparator }} = '>=' then {{ value }} >= {{ target }}
        when {{ comparator }} = '<' then {{ value }} < {{ target }}
        when {{ comparator }} = '<=' then {{ value }} <= {{ target }}
    end
{%- endmacro %}

{#- The target of a KPI row: the kpi_targets row (alias `targets`) of the row's kpi_code
    that applies to its grain (a grain-specific target, or one without applies_to_grain
    for every grain). Use as the condition of a left join. -#}
{% macro kpi_target_applies(targets, kpi_code, grain) -%}
    {{ targets }}.kpi_code = {{ kpi_code }}
    and ({{ targets }}.applies_to_grain is null or {{ targets }}.applies_to_grain = {{ grain }})
{%- endmacro %}

{#- The published target columns of a KPI row: target, comparator and meets_target
    (value against the target of `targets`, joined with kpi_target_applies). -#}
{% macro kpi_target_columns(value, targets) -%}
    cast({{ targets }}.target as decimal(18, 4)) as target,
    cast({{ targets }}.comparator as {{ dbt.type_string() }}) as comparator,
    {{ kpi_meets_target(value, targets ~ '.comparator', targets ~ '.target') }} as meets_target
{%- endmacro %}
