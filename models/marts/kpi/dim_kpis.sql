{#- The KPI catalogue for BI: one row per KPI code with its names, area, kind, unit,
    direction, one-line formula and default target. Everything comes from the seeds
    (kpi_definitions, kpi_targets); the target is the one for every grain, or, for a KPI
    that only has a grain-specific target (the monthly ceilings of the fault counts),
    that one, with `target_grain` naming the grain. -#}

with kpi_definitions as (
    select * from {{ ref('kpi_definitions') }}
),

kpi_targets as (
    select * from {{ ref('kpi_targets') }}
),

targets_ranked as (
    select
        kpi_code,
        comparator,
        target,
        applies_to_grain,
        is_project_default,
        row_number() over (
            partition by kpi_code
            order by case when applies_to_grain is null then 0 else 1 end, applies_to_grain
        ) as target_rank
    from kpi_targets
),

default_targets as (
    select *
    from targets_ranked
    where target_rank = 1
),

final as (
    select
        cast(kpi_definitions.kpi_code as {{ dbt.type_string() }}) as kpi_code,
        cast(kpi_definitions.name_zh as {{ dbt.type_string() }}) as name_zh,
        cast(kpi_definitions.name_en as {{ dbt.type_string() }}) as name_en,
        cast(kpi_definitions.area as {{ dbt.type_string() }}) as area,
        cast(kpi_definitions.kind as {{ dbt.type_string() }}) as kind,
        cast(kpi_definitions.scale as integer) as scale,
        cast(kpi_definitions.unit as {{ dbt.type_string() }}) as unit,
        cast(kpi_definitions.better_when as {{ dbt.type_string() }}) as better_when,
        cast(kpi_definitions.formula as {{ dbt.type_string() }}) as formula,
        cast(default_targets.comparator as {{ dbt.type_string() }}) as comparator,
        cast(default_targets.target as decimal(18, 4)) as target,
        cast(default_targets.applies_to_grain as {{ dbt.type_string() }}) as target_grain,
        cast(default_targets.is_project_default as boolean) as target_is_project_default,
        cast(kpi_definitions.seed_source as {{ dbt.type_string() }}) as seed_source,
        cast(kpi_definitions.is_headline as boolean) as is_headline
    from kpi_definitions
    left join default_targets
        on kpi_definitions.kpi_code = default_targets.kpi_code
)

select * from final
