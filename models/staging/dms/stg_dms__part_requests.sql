{#- Current part_requests (parts lines): valid rows only, one row per request_line_id:
    the version with the greatest updated_at, then the later file, then the later row; a
    winning deleted version removes the key. -#}

with base_part_requests as (
    select * from {{ ref('base_dms__part_requests') }}
),

valid as (
    select *
    from base_part_requests
    where _quarantine_reason is null
),

ranked as (
    select
        valid.*,
        row_number() over (
            partition by request_line_id
            order by updated_at desc, _source_file desc, _row_number desc
        ) as version_rank
    from valid
),

winners as (
    select *
    from ranked
    where version_rank = 1
        and not is_deleted
),

final as (
    select
        request_line_id,
        ticket_id,
        branch_code,
        part_number,
        part_class,
        qty_requested,
        qty_from_stock,
        requested_at,
        issued_at,
        ordered_at,
        received_at,
        unit_price,
        status,
        updated_at,
        _source_file
    from winners
)

select * from final
