{#- Bodies of workshop KPI models over D(P), the delivered valid work orders
    (`status <> 'cancelled'`, `delivered_at` not null), by delivered date at the work
    order's branch; instants compared as absolute epoch seconds in the branch's zone. Each
    emits a complete select statement ending in `select * from final`; the work orders
    come from delivered_work_orders (macros/kpi/delivered_work_orders.sql).

    kpi_done_by_promise_daily(kpi_code, done_column, margin_seconds='0'): work orders of
    D(P) with promised_at and `done_column` whose `done_column` is at least
    `margin_seconds` before promised_at / those work orders (invoice_ontime_rate,
    ontime_delivery_rate, workshop_ontime_rate).

    kpi_elapsed_hours_daily(kpi_code, end_column): Σ absolute hours from opened_at to
    `end_column` / count, over D(P) with `end_column`; each work order's hours are rounded
    to the measure's scale before summing (mttr_hours, completion_cycle_hours).

    kpi_rework_outcome_rate_daily(kpi_code, counted): delivered repairs R(P) (repair or
    warranty tickets of int_tickets_rework_flagged) for which the condition `counted`
    holds / delivered repairs whose rework outcome is known (is_rework_outcome_known);
    `counted` reads is_reworked and is_rework_outcome_known (comeback_rate,
    first_time_fix_rate). -#}

{% macro kpi_done_by_promise_daily(kpi_code, done_column, margin_seconds='0') -%}
with promised_work_orders as (
    {{ delivered_work_orders(
        where=['tickets.promised_at is not null', 'tickets.' ~ done_column ~ ' is not null'],
        epochs={'done_epoch': done_column, 'promised_epoch': 'promised_at'}
    ) }}
),

final as (
    {{ kpi_daily_measures(
        kpi_code, 'promised_work_orders',
        count_where('done_epoch <= promised_epoch - ' ~ margin_seconds), 'count(*)'
    ) }}
)

select * from final
{%- endmacro %}

{% macro kpi_elapsed_hours_daily(kpi_code, end_column) -%}
with ended_deliveries as (
    {{ delivered_work_orders(
        where=['tickets.' ~ end_column ~ ' is not null'],
        epochs={'opened_epoch': 'opened_at', 'end_epoch': end_column}
    ) }}
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
    {{ kpi_daily_measures(kpi_code, 'work_order_hours', 'sum(elapsed_hours)', 'count(*)') }}
)

select * from final
{%- endmacro %}


{% macro kpi_rework_outcome_rate_daily(kpi_code, counted) -%}
with rework_flagged_tickets as (
    select * from {{ ref('int_tickets_rework_flagged') }}
),

delivered_repairs as (
    select
        branch_code,
        cast(delivered_at as date) as date_day,
        is_reworked,
        is_rework_outcome_known
    from rework_flagged_tickets
    where ticket_type in ('repair', 'warranty')
),

final as (
    {{ kpi_daily_measures(
        kpi_code, 'delivered_repairs',
        count_where(counted), count_where('is_rework_outcome_known')
    ) }}
)

select * from final
{%- endmacro %}
