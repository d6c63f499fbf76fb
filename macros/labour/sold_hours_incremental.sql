{#- int_sold_hours_allocated is incremental on DuckDB (docs/architecture.md, "Incremental
    refresh"; D-100), rewritten per work order (macros/marts/keyed_rewrite.sql). A work
    order's split depends on its current version (sold_hours, technician_id) and on the
    job shares on it, so a build splits again
    - the work orders with a row of base_dms__tickets parsed since the model was last
      written (a new or late version, a deletion, a quarantine),
    - the work orders of the job shares int_job_shares_allocated wrote in this build, and
    - the work orders named by any version of a punch parsed since (a job that lost its
      pair or moved to another work order leaves no share to point at it).
    `in_this_build`: "parsed in this build" instead of "since the model was last
    written", for assert_sold_hours_split_weights_sum_to_one after the build wrote it
    (labour_tickets_built, macros/tests/rows_built.sql). -#}
{% macro sold_hours_scope(in_this_build=false) -%}
    {{ _sold_hours_parsed('base_dms__tickets', 'ticket_id', in_this_build) }}
    union
    select ticket_id
    from {{ ref('int_job_shares_allocated') }}
    where _computed_at = {{ build_started_at() }}
    union
    select versions.ticket_id
    from {{ ref('base_dms__time_punches') }} as versions
    where versions.punch_id in (
        {{ _sold_hours_parsed('base_dms__time_punches', 'punch_id', in_this_build) }}
    )
        and versions.ticket_id is not null
{%- endmacro %}

{% macro _sold_hours_parsed(model, key, in_this_build) -%}
    {%- if in_this_build -%}
    {{ keys_parsed_in_this_build(model, key) }}
    {%- else -%}
    {{ keys_parsed_since(model, key, stamp_watermark('_computed_at')) }}
    {%- endif -%}
{%- endmacro %}
