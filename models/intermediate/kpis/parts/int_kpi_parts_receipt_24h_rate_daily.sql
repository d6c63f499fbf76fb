{#- parts_receipt_24h_rate (24小时签收率). Doc block: kpi_parts_receipt_24h_rate; unit test:
    unit_kpi_parts_receipt_24h_rate_window. Valid lines ordered from the warehouse and
    signed for at most var('parts_receipt_24h_window_hours') after ordered_at / valid
    lines with ordered_at whose outcome is known (received, or as_of at or past
    ordered_at + window), by ordered date at the line's branch. Instants are absolute
    epoch seconds (int_part_lines_receipt_timed). -#}
{%- set window_seconds = var('parts_receipt_24h_window_hours') ~ ' * 3600' %}

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
    select
        'parts_receipt_24h_rate' as kpi_code,
        branch_code,
        date_day,
        cast(sum(is_received_in_window) as {{ type_kpi_measure() }}) as numerator,
        cast(sum(is_outcome_known) as {{ type_kpi_measure() }}) as denominator
    from outcomes
    group by
        branch_code,
        date_day
)

select * from final
