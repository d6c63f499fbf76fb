{#- Fails the build when, for any table, the quarantined share of one landed batch
    (file) exceeds var('max_quarantine_share'). Returns the offending batches. -#}

with batch_quality as (
    select * from {{ ref('stg_dms__batch_quality') }}
),

final as (
    select
        table_name,
        source_file,
        rows_arrived,
        rows_quarantined,
        quarantined_share
    from batch_quality
    where quarantined_share > {{ var('max_quarantine_share') }}
)

select * from final
