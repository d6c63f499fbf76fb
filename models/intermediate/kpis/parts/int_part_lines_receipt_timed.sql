{#- Valid part lines ordered from the warehouse (ordered_at not null), with the
    absolute epoch seconds of ordered_at, received_at and as_of read in the line
    branch's time zone: the shared input of the parts_receipt_<n>_rate KPIs (doc block
    int_part_lines_receipt_timed). -#}

with part_requests as (
    select * from {{ ref('stg_dms__part_requests') }}
),

branches as (
    select * from {{ ref('stg_dms__branches') }}
),

as_of as (
    select * from {{ ref('int_as_of_resolved') }}
),

final as (
    select
        part_requests.request_line_id,
        part_requests.branch_code,
        cast(part_requests.ordered_at as date) as ordered_date,
        part_requests.ordered_at,
        part_requests.received_at,
        {{ local_to_epoch('part_requests.ordered_at', 'branches.timezone') }} as ordered_epoch,
        {{ local_to_epoch('part_requests.received_at', 'branches.timezone') }} as received_epoch,
        {{ local_to_epoch('as_of.as_of', 'branches.timezone') }} as as_of_epoch
    from part_requests
    inner join branches
        on part_requests.branch_code = branches.branch_code
    cross join as_of
    where
        part_requests.status <> 'cancelled'
        and part_requests.ordered_at is not null
)

select * from final
