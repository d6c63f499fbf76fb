{#- The published table: every daily KPI (int_kpi_daily_unioned) rolled up to every
    grain, per branch and for the network, and every per-period KPI
    (int_kpi_periods_unioned: branch rows as they are, network = their sum), with its
    target. -#}

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
),

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
),

{{ kpi_rollup('daily', periods='period_rows') }},

valued as (
    select
        kpi_rolled_up.kpi_code,
        kpi_rolled_up.grain,
        kpi_rolled_up.period_start,
        kpi_rolled_up.branch_code,
        kpi_rolled_up.numerator,
        kpi_rolled_up.denominator,
        {{ kpi_value('kpi_rolled_up.kind', 'kpi_rolled_up.numerator', 'kpi_rolled_up.denominator', 'kpi_definitions.scale') }} as value
    from kpi_rolled_up
    inner join kpi_definitions
        on kpi_rolled_up.kpi_code = kpi_definitions.kpi_code
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
        cast(kpi_targets.target as decimal(18, 4)) as target,
        cast(kpi_targets.comparator as {{ dbt.type_string() }}) as comparator,
        {{ kpi_meets_target('valued.value', 'kpi_targets.comparator', 'kpi_targets.target') }} as meets_target
    from valued
    left join kpi_targets
        on
            valued.kpi_code = kpi_targets.kpi_code
            and (kpi_targets.applies_to_grain is null or kpi_targets.applies_to_grain = valued.grain)
)

select * from final
