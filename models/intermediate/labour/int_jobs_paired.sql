{#- One row per job: a job_start paired with the next job_end of the same employee and
    ticket (rules in int_punches_sequenced and the labour_pairing_rules doc block). -#}
{#- a view: a filter of int_punches_sequenced, which is incremental; a table would be
    rewritten whole by every build (D-099) -#}
{#- its rows carry the stamp of the build that sequenced their start punch, so that an
    incremental build's data tests read the rows it wrote (D-128) -#}
{{ config(
    materialized='view',
    meta={'rows_built': {'built_at': '_computed_at', 'view_of': 'int_punches_sequenced'}},
) }}
with

sequenced_punches as (
    select * from {{ ref('int_punches_sequenced') }}
),

job_starts as (
    select * from sequenced_punches
    where punch_type = 'job_start'
        and orphan_reason is null
),

final as (
    select
        punch_id as job_id,
        partner_punch_id as end_punch_id,
        employee_id,
        branch_code,
        ticket_id,
        punched_at as started_at,
        partner_punched_at as ended_at,
        punched_epoch as start_epoch,
        partner_epoch as end_epoch,
        cast(partner_epoch - punched_epoch as double) / 3600 as job_hours,
        cast(punched_at as date) as job_date,
        _computed_at
    from job_starts
)

select * from final
