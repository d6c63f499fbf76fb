{#- Every place a punch takes in the labour pairing, one row each (punch_id, placement):
    the start and the end of a shift or a job pair, or an orphan. Read by the singular
    tests assert_every_punch_paired_or_orphaned and assert_paired_punches_keep_their_type.
    int_shifts_paired has no end punch id: the end is the start's partner in
    int_punches_sequenced. -#}
{% macro punch_placements() -%}
    select shift_id as punch_id, 'shift_start' as placement
    from {{ ref('int_shifts_paired') }}
    union all
    select
        sequenced.partner_punch_id as punch_id,
        'shift_end' as placement
    from {{ ref('int_shifts_paired') }} as shifts
    left join {{ ref('int_punches_sequenced') }} as sequenced
        on shifts.shift_id = sequenced.punch_id
    union all
    select job_id as punch_id, 'job_start' as placement from {{ ref('int_jobs_paired') }}
    union all
    select end_punch_id as punch_id, 'job_end' as placement from {{ ref('int_jobs_paired') }}
    union all
    select punch_id, 'orphan' as placement from {{ ref('int_punches_orphaned') }}
{%- endmacro %}
