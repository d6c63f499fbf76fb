{#- tickets_per_technician (人均工单数). Doc block: kpi_tickets_per_technician; unit
    test: unit_kpi_tickets_per_technician_distinct. A per-period model (distinct
    technicians cannot be added over days): per branch and period of every grain, the
    number of delivered valid tickets (D(P), by delivered date at the ticket's branch) /
    the number of distinct technicians with a paired shift starting in the period at
    that branch (shift start date, punch branch). -#}
{{ config(tags=['kpi_period']) }}

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

delivered as (
    select
        branch_code,
        cast(delivered_at as date) as date_day,
        ticket_id
    from tickets
    where
        status <> 'cancelled'
        and delivered_at is not null
),

technician_shifts as (
    select
        shifts.branch_code,
        cast(shifts.started_at as date) as date_day,
        shifts.employee_id
    from shifts
    inner join technician_ids
        on shifts.employee_id = technician_ids.employee_id
),

delivered_by_period as (
    {{ kpi_grain_periods('delivered', 'date_day') }}
),

technician_shifts_by_period as (
    {{ kpi_grain_periods('technician_shifts', 'date_day') }}
),

ticket_counts as (
    select
        grain,
        period_start,
        branch_code,
        cast(count(*) as {{ type_kpi_measure() }}) as numerator,
        cast(0 as {{ type_kpi_measure() }}) as denominator
    from delivered_by_period
    group by
        grain,
        period_start,
        branch_code
),

technician_counts as (
    select
        grain,
        period_start,
        branch_code,
        cast(0 as {{ type_kpi_measure() }}) as numerator,
        cast(count(distinct employee_id) as {{ type_kpi_measure() }}) as denominator
    from technician_shifts_by_period
    group by
        grain,
        period_start,
        branch_code
),

combined as (
    select * from ticket_counts
    union all
    select * from technician_counts
),

final as (
    select
        'tickets_per_technician' as kpi_code,
        grain,
        period_start,
        branch_code,
        sum(numerator) as numerator,
        sum(denominator) as denominator
    from combined
    group by
        grain,
        period_start,
        branch_code
)

select * from final
