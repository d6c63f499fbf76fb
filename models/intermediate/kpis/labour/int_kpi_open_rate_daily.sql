{#- open_rate (开工率). Doc block: kpi_open_rate; unit test:
    unit_kpi_open_rate_daily_attribution.
    Technicians' job shares (h) by job start date / technicians' shift hours (h) by shift
    start date, both at the punch branch. -#}

with job_shares as (
    select * from {{ ref('int_job_shares_allocated') }}
),

shifts as (
    select * from {{ ref('int_shifts_paired') }}
),

technicians as (
    select * from {{ ref('stg_dms__technicians') }}
),

technician_ids as (
    select employee_id
    from technicians
    where role = 'technician'
),

job_share_days as (
    select
        job_shares.branch_code,
        cast(job_shares.started_at as date) as date_day,
        cast(job_shares.share_hours as {{ type_kpi_measure() }}) as numerator,
        cast(0 as {{ type_kpi_measure() }}) as denominator
    from job_shares
    inner join technician_ids
        on job_shares.employee_id = technician_ids.employee_id
),

shift_days as (
    select
        shifts.branch_code,
        cast(shifts.started_at as date) as date_day,
        cast(0 as {{ type_kpi_measure() }}) as numerator,
        cast(shifts.shift_hours as {{ type_kpi_measure() }}) as denominator
    from shifts
    inner join technician_ids
        on shifts.employee_id = technician_ids.employee_id
),

combined as (
    select * from job_share_days
    union all
    select * from shift_days
),

final as (
    select
        'open_rate' as kpi_code,
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
