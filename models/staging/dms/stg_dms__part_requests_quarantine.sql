{#- Quarantined part_requests (parts lines) rows: every raw row with at least one
    quarantine reason, with the raw text of every contract column, the file it came from
    and the reasons. -#}

with raw_part_requests as (
    select * from {{ source('dms', 'part_requests') }}
),

base_part_requests as (
    select * from {{ ref('base_dms__part_requests') }}
),

quarantined as (
    select
        _source_file,
        _row_number,
        _quarantine_reason
    from base_part_requests
    where _quarantine_reason is not null
),

final as (
    select
        raw_part_requests._source_file,
        raw_part_requests._row_number,
        raw_part_requests._loaded_at,
        quarantined._quarantine_reason as quarantine_reason,
        raw_part_requests.request_line_id,
        raw_part_requests.ticket_id,
        raw_part_requests.branch_code,
        raw_part_requests.part_number,
        raw_part_requests.part_class,
        raw_part_requests.qty_requested,
        raw_part_requests.qty_from_stock,
        raw_part_requests.requested_at,
        raw_part_requests.issued_at,
        raw_part_requests.ordered_at,
        raw_part_requests.received_at,
        raw_part_requests.unit_price,
        raw_part_requests.status,
        raw_part_requests.updated_at,
        raw_part_requests.is_deleted
    from quarantined
    inner join raw_part_requests
        on quarantined._source_file = raw_part_requests._source_file
        and quarantined._row_number = raw_part_requests._row_number
)

select * from final
