{#- The published table: every daily KPI (int_kpi_daily_unioned) rolled up to every
    grain, per branch and for the network, and every per-period KPI
    (int_kpi_periods_unioned: branch rows as they are, network = their sum), with its
    target. Self-describing for BI: the KPI's names, the period's last date, whether the
    period ended before the as-of time (int_as_of_resolved) and a network flag.
    Incremental on DuckDB: a refresh rolls up again only the periods that hold a
    recomputed day (kpi_days_incremental, macros/kpi/kpi_days_incremental.sql). -#}
{{ kpi_days_incremental(by='period') }}
{%- set scope = kpi_scope() %}

with kpi_days as (
    select * from {{ ref('int_kpi_daily_unioned') }}
),

kpi_periods_unioned as (
    select * from {{ ref('int_kpi_periods_unioned') }}
),

kpi_definitions as (
    select * from {{ ref('kpi_definitions') }}
),

kpi_targets as (
    select * from {{ ref('kpi_targets') }}
),

as_of_resolved as (
    select * from {{ ref('int_as_of_resolved') }}
),

daily as (
    select
        kpi_days.kpi_code,
        kpi_definitions.kind,
        kpi_days.branch_code,
        kpi_days.date_day,
        kpi_days.numerator,
        kpi_days.denominator
    from kpi_days
    inner join kpi_definitions
        on kpi_days.kpi_code = kpi_definitions.kpi_code
    {{ kpi_recomputed('kpi_days.date_day', code_column='kpi_days.kpi_code', kind='period_days', grain=kpi_rollup_day_grains(), scope=scope) }}
),
{%- if scope is not none %}

{#- the month rows this build keeps (the delete hook removed the recomputed ones): the
    quarters and years are rolled up from them and the recomputed months (kpi_rollup) -#}
stored_months as (
    {{ kpi_stored_months(scope, code_column='stored.kpi_code', exclude_codes=kpi_period_codes()) }}
),
{%- endif %}

period_rows as (
    select
        kpi_periods_unioned.kpi_code,
        kpi_definitions.kind,
        kpi_periods_unioned.grain,
        kpi_periods_unioned.period_start,
        kpi_periods_unioned.branch_code,
        kpi_periods_unioned.numerator,
        kpi_periods_unioned.denominator
    from kpi_periods_unioned
    inner join kpi_definitions
        on kpi_periods_unioned.kpi_code = kpi_definitions.kpi_code
    {{ kpi_recomputed('kpi_periods_unioned.period_start', code_column='kpi_periods_unioned.kpi_code', kind='period', grain='kpi_periods_unioned.grain', scope=scope) }}
),

{{ kpi_rollup('daily', periods='period_rows', scope=scope, code_column='kpi_code', stored='stored_months' if scope is not none else none) }},

valued as (
    select
        kpi_rolled_up.kpi_code,
        kpi_rolled_up.grain,
        kpi_rolled_up.period_start,
        kpi_rolled_up.branch_code,
        kpi_rolled_up.numerator,
        kpi_rolled_up.denominator,
        {{ kpi_value('kpi_rolled_up.kind', 'kpi_rolled_up.numerator', 'kpi_rolled_up.denominator', 'kpi_definitions.scale') }} as value,
        kpi_definitions.name_zh,
        kpi_definitions.name_en,
        {{ kpi_period_end('kpi_rolled_up.grain', 'kpi_rolled_up.period_start') }} as period_end
    from kpi_rolled_up
    inner join kpi_definitions
        on kpi_rolled_up.kpi_code = kpi_definitions.kpi_code
    {{ kpi_recomputed('kpi_rolled_up.period_start', code_column='kpi_rolled_up.kpi_code', kind='period', grain='kpi_rolled_up.grain', scope=scope) }}
),

final as (
    select
        cast(valued.kpi_code as {{ dbt.type_string() }}) as kpi_code,
        cast(valued.grain as {{ dbt.type_string() }}) as grain,
        cast(valued.period_start as date) as period_start,
        cast(valued.branch_code as {{ dbt.type_string() }}) as branch_code,
        cast(valued.numerator as {{ type_kpi_measure() }}) as numerator,
        cast(valued.denominator as {{ type_kpi_measure() }}) as denominator,
        cast(valued.value as double) as value,
        {{ kpi_target_columns('valued.value', 'kpi_targets') }},
        cast(valued.name_zh as {{ dbt.type_string() }}) as kpi_name_zh,
        cast(valued.name_en as {{ dbt.type_string() }}) as kpi_name_en,
        valued.period_end,
        cast(valued.period_end < cast(as_of_resolved.as_of as date) as boolean) as is_period_complete,
        cast(valued.branch_code is null as boolean) as is_network
    from valued
    cross join as_of_resolved
    left join kpi_targets
        on {{ kpi_target_applies('kpi_targets', 'valued.kpi_code', 'valued.grain') }}
)

select * from final
{{ full_build_order(['period_end']) }}
