{#- labor_efficiency (效率). Doc block: kpi_labor_efficiency; unit test:
    unit_kpi_labor_efficiency_daily_attribution.
    Sold hours of delivered valid work orders by delivered date at the work order's branch
    / technicians' job shares (h) by job start date at the punch branch. -#}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

job_shares as (
    select * from {{ ref('int_job_shares_allocated') }}
),

technicians as (
    select * from {{ ref('stg_dms__technicians') }}
),

technician_ids as (
    select employee_id
    from technicians
    where role = 'technician'
),

sold_hour_days as (
    select
        branch_code,
        cast(delivered_at as date) as date_day,
        cast(sold_hours as {{ type_kpi_measure() }}) as numerator,
        cast(0 as {{ type_kpi_measure() }}) as denominator
    from tickets
    where
        status <> 'cancelled'
        and delivered_at is not null
),

job_share_days as (
    select
        job_shares.branch_code,
        cast(job_shares.started_at as date) as date_day,
        cast(0 as {{ type_kpi_measure() }}) as numerator,
        cast(job_shares.share_hours as {{ type_kpi_measure() }}) as denominator
    from job_shares
    inner join technician_ids
        on job_shares.employee_id = technician_ids.employee_id
),

combined as (
    select * from sold_hour_days
    union all
    select * from job_share_days
),

final as (
    select
        'labor_efficiency' as kpi_code,
        branch_code,
        date_day,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from combined
    group by
        branch_code,
        date_day
)

select * from final
