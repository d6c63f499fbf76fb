{#- productivity_index (业绩指数, NADA: proficiency). Doc block: kpi_productivity_index;
    unit test: unit_kpi_productivity_index_attribution. Sold hours of the delivered
    valid tickets (D(P)) by delivered date at the ticket's branch / technicians' paired
    shift hours by shift start date at the punch branch. -#}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
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

sold_hour_days as (
    select
        branch_code,
        cast(delivered_at as date) as date_day,
        cast(coalesce(sold_hours, 0) as {{ type_kpi_measure() }}) as numerator,
        cast(0 as {{ type_kpi_measure() }}) as denominator
    from tickets
    where
        status <> 'cancelled'
        and delivered_at is not null
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
    select * from sold_hour_days
    union all
    select * from shift_days
),

final as (
    select
        'productivity_index' as kpi_code,
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
