{#- Nothing is lost or counted twice in staging: for every table and landed file, the
    raw rows that arrived equal the rows kept plus the rows quarantined. -#}

with batch_quality as (
    select * from {{ ref('stg_dms__batch_quality') }}
),

final as (
    select
        table_name,
        source_file,
        rows_arrived,
        rows_kept,
        rows_quarantined
    from batch_quality
    where rows_arrived <> rows_kept + rows_quarantined
        or rows_arrived is null
)

select * from final
