{#- The whole body of a parts receipt-window KPI model (int_kpi_parts_receipt_<window>_rate_daily):
    valid lines ordered from the warehouse and signed for at most `window_hours` after
    ordered_at / valid lines with ordered_at whose outcome is known (received, or as_of
    at or past ordered_at + window), by ordered date at the line's branch. Instants are
    absolute epoch seconds from int_part_lines_receipt_timed. The KPI model passes its
    code and its window var, e.g.
    kpi_parts_receipt_rate_daily('parts_receipt_24h_rate', var('parts_receipt_24h_window_hours')).
    Emits a complete select statement ending in `select * from final`. -#}
{% macro kpi_parts_receipt_rate_daily(kpi_code, window_hours) -%}
{%- set window_seconds = window_hours ~ ' * 3600' %}

with ordered_lines as (
    select * from {{ ref('int_part_lines_receipt_timed') }}
),

outcomes as (
    select
        branch_code,
        ordered_date as date_day,
        case
            when received_epoch is not null
                and received_epoch <= ordered_epoch + {{ window_seconds }}
                then 1
            else 0
        end as is_received_in_window,
        case
            when received_epoch is not null then 1
            when as_of_epoch >= ordered_epoch + {{ window_seconds }} then 1
            else 0
        end as is_outcome_known
    from ordered_lines
),

final as (
    {{ kpi_daily_measures(
        kpi_code, 'outcomes',
        'sum(is_received_in_window)', 'sum(is_outcome_known)'
    ) }}
)

select * from final
{%- endmacro %}
