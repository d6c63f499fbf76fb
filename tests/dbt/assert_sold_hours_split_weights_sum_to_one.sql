-- Per ticket of int_sold_hours_allocated the allocation weights add up to 1 and the
-- allocated hours to the ticket's sold_hours; every ticket with job time or a
-- technician_id is allocated. Returns the offending tickets. In an
-- incremental dbt build it reads the work orders that build can have changed
-- (labour_tickets_built, macros/tests/rows_built.sql; D-098).
-- An invariant of the labour models' own SQL (tag invariant, D-131): a scheduled refresh
-- does not run it; CI and scripts/test.sh run it on every row of the end-to-end build
-- and in the replay test's last incremental build.
{{ config(tags=['invariant']) }}
with

allocations as (
    select * from {{ ref('int_sold_hours_allocated') }}
    {{ where_clause(labour_tickets_built()) }}
),

tickets as (
    select * from {{ ref('stg_dms__tickets') }}
    {{ where_clause(labour_tickets_built()) }}
),

job_shares as (
    select * from {{ ref('int_job_shares_allocated') }}
    {{ where_clause(labour_tickets_built()) }}
),

ticket_totals as (
    select
        ticket_id,
        sum(allocation_weight) as total_weight,
        sum(sold_hours_allocated) as total_allocated
    from allocations
    group by ticket_id
),

tickets_with_job_time as (
    select ticket_id
    from job_shares
    group by ticket_id
    having sum(share_hours) > 0
),

expected_tickets as (
    select tickets.ticket_id
    from tickets
    left join tickets_with_job_time
        on tickets.ticket_id = tickets_with_job_time.ticket_id
    where tickets_with_job_time.ticket_id is not null
        or tickets.technician_id is not null
),

final as (
    select
        coalesce(expected_tickets.ticket_id, ticket_totals.ticket_id) as ticket_id,
        ticket_totals.total_weight,
        ticket_totals.total_allocated,
        tickets.sold_hours
    from expected_tickets
    full outer join ticket_totals
        on expected_tickets.ticket_id = ticket_totals.ticket_id
    left join tickets
        on coalesce(expected_tickets.ticket_id, ticket_totals.ticket_id) = tickets.ticket_id
    where expected_tickets.ticket_id is null
        or ticket_totals.ticket_id is null
        or abs(ticket_totals.total_weight - 1) > 0.000001
        or abs(ticket_totals.total_allocated - tickets.sold_hours) > 0.0001
)

select * from final
