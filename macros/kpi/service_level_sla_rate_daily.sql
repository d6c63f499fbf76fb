{#- The whole body of an SLA-rate KPI model (int_kpi_<event>_sla_rate_daily): valid
    tickets (status <> 'cancelled') whose `event` (response, arrival or resolution)
    met its target on the clock of the ticket's SLA policy / valid tickets whose
    outcome for that event is known, by opened date at the ticket's branch. Reads the
    per-ticket flags is_<event>_sla_met and is_<event>_outcome_known of
    int_work_orders_sla_measured. The KPI model passes its code and its event, e.g.
    kpi_sla_rate_daily('arrival_sla_rate', 'arrival').
    Emits a complete select statement ending in `select * from final`. -#}
{% macro kpi_sla_rate_daily(kpi_code, event) -%}
{%- if event not in ['response', 'arrival', 'resolution'] -%}
    {{ exceptions.raise_compiler_error("kpi_sla_rate_daily: event must be response, arrival or resolution, got " ~ event) }}
{%- endif %}

with work_orders as (
    select * from {{ ref('int_work_orders_sla_measured') }}
),

valid_work_orders as (
    select
        branch_code,
        opened_date as date_day,
        case when is_{{ event }}_sla_met then 1 else 0 end as is_met,
        case when is_{{ event }}_outcome_known then 1 else 0 end as is_known
    from work_orders
    where is_valid
),

final as (
    {{ kpi_daily_measures(kpi_code, 'valid_work_orders', 'sum(is_met)', 'sum(is_known)') }}
)

select * from final
{%- endmacro %}
