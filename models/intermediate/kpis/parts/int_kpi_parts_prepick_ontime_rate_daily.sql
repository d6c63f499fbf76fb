{#- parts_prepick_ontime_rate (零件预检实时率). Doc block: kpi_parts_prepick_ontime_rate;
    unit test: unit_kpi_parts_prepick_ontime_rate_tickets. Delivered valid tickets
    (D(P)) with at least one valid part line whose every valid line was issued at or
    before the ticket's work_started_at / D(P) tickets with at least one valid line, by
    delivered date at the ticket's branch. Instants are compared as absolute epoch
    seconds (each record read in its own branch's time zone); a line not issued, or a
    ticket without work_started_at, is not on time. -#}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

part_requests as (
    select * from {{ ref('stg_dms__part_requests') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

delivered as (
    select
        tickets.ticket_id,
        tickets.branch_code,
        cast(tickets.delivered_at as date) as date_day,
        {{ local_to_epoch('tickets.work_started_at', 'branches.timezone') }} as work_started_epoch
    from tickets
    inner join branches
        on tickets.branch_code = branches.branch_code
    where
        tickets.status <> 'cancelled'
        and tickets.delivered_at is not null
        {#- the days an incremental build recomputes, here where the tickets are read: the
            same bound in `final` alone does not reach this scan (D-141) #}
        {{ kpi_recomputed('tickets.delivered_at', code='parts_prepick_ontime_rate', keyword='and') }}
),

{#- the line's issued_at is read in its own branch's time zone after the join with the
    delivered tickets, so that an incremental build converts only the lines of the days
    it recomputes, not every line (D-141) -#}
valid_lines as (
    select
        part_requests.ticket_id,
        part_requests.issued_at,
        branches.timezone
    from part_requests
    inner join branches
        on part_requests.branch_code = branches.branch_code
    where part_requests.status <> 'cancelled'
),

ticket_lines as (
    select
        delivered.ticket_id,
        delivered.branch_code,
        delivered.date_day,
        count(*) as line_count,
        sum(
            case
                when {{ local_to_epoch('valid_lines.issued_at', 'valid_lines.timezone') }}
                    <= delivered.work_started_epoch then 1
                else 0
            end
        ) as ontime_line_count
    from delivered
    inner join valid_lines
        on delivered.ticket_id = valid_lines.ticket_id
    group by
        delivered.ticket_id,
        delivered.branch_code,
        delivered.date_day
),

final as (
    {{ kpi_daily_measures(
        'parts_prepick_ontime_rate', 'ticket_lines',
        'sum(case when ontime_line_count = line_count then 1 else 0 end)', 'count(*)'
    ) }}
)

select * from final
