{#- tickets_per_technician (人均工单数). Doc block: kpi_tickets_per_technician; unit
    test: unit_kpi_tickets_per_technician_distinct. A per-period model (distinct
    technicians cannot be added over days): per branch and period of every grain, the
    number of delivered valid tickets (D(P), by delivered date at the ticket's branch) /
    the number of distinct technicians with a paired shift starting in the period at
    that branch (shift start date, punch branch). Inputs: macros delivered_work_orders
    and technician_shifts (macros/kpi/). -#}
{{ config(tags=['kpi_period']) }}
{{ kpi_days_incremental(by='period') }}

with delivered as (
    {{ delivered_work_orders() }}
),

technician_shifts as (
    {{ technician_shifts() }}
),

delivered_by_period as (
    {{ kpi_grain_periods('delivered', 'date_day', code='tickets_per_technician') }}
),

technician_shifts_by_period as (
    {{ kpi_grain_periods('technician_shifts', 'date_day', code='tickets_per_technician') }}
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
    {{ kpi_period_measures(
        'tickets_per_technician', 'combined',
        'sum(numerator)', 'sum(denominator)'
    ) }}
)

select * from final
