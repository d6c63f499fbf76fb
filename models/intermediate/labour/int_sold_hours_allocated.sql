{#- A ticket's sold_hours split over the employees with job time on it, in proportion to
    their job shares on the ticket; a ticket without job time goes wholly to its
    technician_id. Grain: ticket_id x employee_id.

    Incremental on DuckDB: a build splits again the work orders touched since the model
    was last written and those whose job shares changed
    (macros/labour/sold_hours_incremental.sql, macros/marts/keyed_rewrite.sql; D-100). -#}
{{ keyed_rewrite('ticket_id', 'sold_hours_scope',
                 inputs=['base_dms__tickets', 'base_dms__time_punches'], built_at='_computed_at') }}
with

job_shares as (
    {{ keyed_rewrite_rows(ref('int_job_shares_allocated'), 'ticket_id') }}
),

tickets as {{ not_materialized_in_full_build() }} (
    {{ keyed_rewrite_rows(ref('stg_dms__tickets'), 'ticket_id') }}
),

employee_ticket_shares as (
    select
        ticket_id,
        employee_id,
        sum(share_hours) as share_hours
    from job_shares
    group by
        ticket_id,
        employee_id
),

ticket_shares as (
    select
        ticket_id,
        sum(share_hours) as ticket_share_hours
    from employee_ticket_shares
    group by ticket_id
),

tickets_with_job_time as (
    select
        tickets.ticket_id,
        tickets.sold_hours,
        ticket_shares.ticket_share_hours
    from tickets
    inner join ticket_shares
        on tickets.ticket_id = ticket_shares.ticket_id
    where ticket_shares.ticket_share_hours > 0
),

split_by_job_time as (
    select
        tickets_with_job_time.ticket_id,
        employee_ticket_shares.employee_id,
        employee_ticket_shares.share_hours,
        employee_ticket_shares.share_hours / tickets_with_job_time.ticket_share_hours
            as allocation_weight,
        tickets_with_job_time.sold_hours
    from tickets_with_job_time
    inner join employee_ticket_shares
        on tickets_with_job_time.ticket_id = employee_ticket_shares.ticket_id
),

to_lead_technician as (
    select
        tickets.ticket_id,
        tickets.technician_id as employee_id,
        cast(0 as double) as share_hours,
        cast(1 as double) as allocation_weight,
        tickets.sold_hours
    from tickets
    left join tickets_with_job_time
        on tickets.ticket_id = tickets_with_job_time.ticket_id
    where tickets_with_job_time.ticket_id is null
        and tickets.technician_id is not null
),

allocations as (
    select * from split_by_job_time
    union all
    select * from to_lead_technician
),

final as (
    select
        ticket_id,
        employee_id,
        share_hours,
        allocation_weight,
        cast(sold_hours as double) * allocation_weight as sold_hours_allocated,
        {{ build_started_at() }} as _computed_at
    from allocations
)

select * from final
