{#- Bodies of workshop KPI models over D(P), the delivered valid work orders
    (`status <> 'cancelled'`, `delivered_at` not null), by delivered date at the work
    order's branch; instants compared as absolute epoch seconds in the branch's zone. Each
    emits a complete select statement ending in `select * from final`.

    kpi_done_by_promise_daily(kpi_code, done_column, margin_seconds='0'): work orders of
    D(P) with promised_at and `done_column` whose `done_column` is at least
    `margin_seconds` before promised_at / those work orders (invoice_ontime_rate,
    ontime_delivery_rate, workshop_ontime_rate).

    kpi_elapsed_hours_daily(kpi_code, end_column): Σ absolute hours from opened_at to
    `end_column` / count, over D(P) with `end_column`; each work order's hours are rounded
    to the measure's scale before summing (mttr_hours, completion_cycle_hours). -#}

{% macro kpi_done_by_promise_daily(kpi_code, done_column, margin_seconds='0') -%}
with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

promised_work_orders as (
    select
        tickets.branch_code,
        cast(tickets.delivered_at as date) as date_day,
        {{ local_to_epoch('tickets.' ~ done_column, 'branches.timezone') }} as done_epoch,
        {{ local_to_epoch('tickets.promised_at', 'branches.timezone') }} as promised_epoch
    from tickets
    inner join branches
        on tickets.branch_code = branches.branch_code
    where
        tickets.status <> 'cancelled'
        and tickets.delivered_at is not null
        and tickets.promised_at is not null
        and tickets.{{ done_column }} is not null
),

flagged as (
    select
        branch_code,
        date_day,
        case
            when done_epoch <= promised_epoch - {{ margin_seconds }} then 1
            else 0
        end as is_on_time
    from promised_work_orders
),

final as (
    select
        '{{ kpi_code }}' as kpi_code,
        branch_code,
        date_day,
        cast(sum(is_on_time) as {{ type_kpi_measure() }}) as numerator,
        cast(count(*) as {{ type_kpi_measure() }}) as denominator
    from flagged
    group by
        branch_code,
        date_day
)

select * from final
{%- endmacro %}

{% macro kpi_elapsed_hours_daily(kpi_code, end_column) -%}
with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

ended_deliveries as (
    select
        tickets.branch_code,
        cast(tickets.delivered_at as date) as date_day,
        {{ local_to_epoch('tickets.opened_at', 'branches.timezone') }} as opened_epoch,
        {{ local_to_epoch('tickets.' ~ end_column, 'branches.timezone') }} as end_epoch
    from tickets
    inner join branches
        on tickets.branch_code = branches.branch_code
    where
        tickets.status <> 'cancelled'
        and tickets.delivered_at is not null
        and tickets.{{ end_column }} is not null
),

work_order_hours as (
    select
        branch_code,
        date_day,
        cast(
            cast(end_epoch - opened_epoch as double) / 3600 as {{ type_kpi_measure() }}
        ) as elapsed_hours
    from ended_deliveries
),

final as (
    select
        '{{ kpi_code }}' as kpi_code,
        branch_code,
        date_day,
        cast(sum(elapsed_hours) as {{ type_kpi_measure() }}) as numerator,
        cast(count(*) as {{ type_kpi_measure() }}) as denominator
    from work_order_hours
    group by
        branch_code,
        date_day
)

select * from final
{%- endmacro %}
