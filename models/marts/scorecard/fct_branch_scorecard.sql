{#- Branch scorecard: one row per branch and scorecard period (month, quarter, year) with
    at least one scored KPI. score = 100 × Σ weight·s / Σ weight over the KPIs of
    fct_branch_scorecard_kpis with a positive weight (null when there is none); rank 1 =
    best score among the branches of the same grain and period_start, ties share a rank
    and the next rank skips (rank(): 1, 1, 3), compared on the score rounded to 1e-6 so
    that floating-point noise never breaks a tie. Doc block fct_branch_scorecard; unit
    test unit_fct_branch_scorecard_weighted_rank. -#}

with scorecard_kpis as (
    select * from {{ ref('fct_branch_scorecard_kpis') }}
),

totals as (
    select
        branch_code,
        grain,
        period_start,
        sum(case when weight > 0 then 1 else 0 end) as kpis_scored,
        sum(case when weight > 0 then weight else 0 end) as weight_total,
        sum(case when weight > 0 then weighted_score else 0 end) as weighted_score_total
    from scorecard_kpis
    group by
        branch_code,
        grain,
        period_start
),

scores as (
    select
        branch_code,
        grain,
        period_start,
        kpis_scored,
        weight_total,
        case
            when weight_total > 0 then 100.0 * weighted_score_total / cast(weight_total as double)
        end as score
    from totals
),

ranked as (
    select
        branch_code,
        grain,
        period_start,
        kpis_scored,
        weight_total,
        score,
        rank() over (
            partition by grain, period_start
            order by round(score, 6) desc nulls last
        ) as score_rank
    from scores
),

final as (
    select
        cast(branch_code as {{ dbt.type_string() }}) as branch_code,
        cast(grain as {{ dbt.type_string() }}) as grain,
        cast(period_start as date) as period_start,
        cast(score as double) as score,
        cast(case when score is not null then score_rank end as integer) as rank,
        cast(kpis_scored as integer) as kpis_scored,
        cast(weight_total as decimal(18, 4)) as weight_total
    from ranked
)

select * from final
