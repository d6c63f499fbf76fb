{#- D(P), the delivered valid work orders (`status <> 'cancelled'`, `delivered_at` not
    null), by delivered date at the work order's branch: the population of the reception,
    workshop and labour KPIs counted per delivery.

    delivered_work_orders(customers_only=false, where=[], epochs={}): one row per work
    order of D(P): every column of stg_dms__tickets, date_day (delivered date,
    branch-local) and, for each `alias: column` of `epochs`, the column's absolute epoch
    seconds in the branch's zone (joins stg_dms__branches only then). customers_only
    keeps the customer deliveries CD(P) (is_internal = false); `where` adds conditions
    on `tickets.` columns. Emits a select statement (use it as the body of a CTE).

    kpi_delivered_share_daily(kpi_code, flag, customers_only=false, where=[]): work
    orders of the population for which the condition `flag` holds / the population
    (appointment_rate, catalog_quote_rate, interactive_precheck_rate, precheck_form_rate,
    delivery_explanation_rate).

    kpi_delivered_average_daily(kpi_code, amount): Σ `amount` / number of work orders of
    D(P) (parts_sales_per_ticket, sold_hours_per_ticket).

    Both emit a complete select statement ending in `select * from final`. -#}

{% macro delivered_work_orders(customers_only=false, where=[], epochs={}) -%}
    select
        tickets.*,
        cast(tickets.delivered_at as date) as date_day
        {%- for alias, column in epochs.items() %},
        {{ local_to_epoch('tickets.' ~ column, 'branches.timezone') }} as {{ alias }}
        {%- endfor %}
    from {{ ref('stg_dms__tickets') }} as tickets
    {%- if epochs %}
    inner join {{ ref('stg_dms__branches') }} as branches
        on tickets.branch_code = branches.branch_code
    {%- endif %}
    where
        tickets.status <> 'cancelled'
        and tickets.delivered_at is not null
        {%- if customers_only %}
        and tickets.is_internal = false
        {%- endif %}
        {%- for condition in where %}
        and {{ condition }}
        {%- endfor %}
{%- endmacro %}

{% macro kpi_delivered_share_daily(kpi_code, flag, customers_only=false, where=[]) -%}
with deliveries as (
    {{ delivered_work_orders(customers_only=customers_only, where=where) }}
),

final as (
    {{ kpi_daily_measures(kpi_code, 'deliveries', count_where(flag), 'count(*)') }}
)

select * from final
{%- endmacro %}

{% macro kpi_delivered_average_daily(kpi_code, amount) -%}
with deliveries as (
    {{ delivered_work_orders() }}
),

final as (
    {{ kpi_daily_measures(kpi_code, 'deliveries', 'sum(' ~ amount ~ ')', 'count(*)') }}
)

select * from final
{%- endmacro %}
