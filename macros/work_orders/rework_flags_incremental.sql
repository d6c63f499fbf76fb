{#- int_tickets_rework_flagged is incremental on DuckDB (docs/architecture.md,
    "Incremental refresh"; D-100), rewritten per delivered work order
    (macros/marts/keyed_rewrite.sql). A delivered work order D's flags depend on its own
    current version, on the current versions of the work orders naming D in
    rework_of_ticket_id, on their branches' time zones and, for the known-outcome flag
    only, on as_of (monotonic: once the comeback window has ended, or a rework counted,
    the outcome stays known). So a build flags again
    - the work orders with a row of base_dms__tickets parsed since the model was last
      written (their delivery, status or deletion may have changed),
    - every work order that any version (old or new) of such a row names as reworked (a
      rework opened, moved, cancelled or deleted), and
    - the work orders whose outcome was still unknown and whose comeback window has
      ended at this build's as_of (read in the work order's branch zone, as the model
      does): with no rework counted, only that can turn an unknown outcome known, so the
      others would be written again unchanged (D-132);
    and every work order when a branch changed or as_of moved back
    (branch_or_as_of_moved_back()). -#}
{% macro rework_flags_scope() -%}
    with touched as (
        {{ keys_parsed_since('base_dms__tickets', 'ticket_id', stamp_watermark('_computed_at')) }}
    )

    select ticket_id from touched
    union
    select versions.rework_of_ticket_id
    from {{ ref('base_dms__tickets') }} as versions
    where versions.ticket_id in (select ticket_id from touched)
        and versions.rework_of_ticket_id is not null
    union
    select flagged.ticket_id
    from {{ this }} as flagged
    inner join {{ ref('stg_dms__branches') }} as branches
        on flagged.branch_code = branches.branch_code
    cross join {{ ref('int_as_of_resolved') }} as as_of
    where not flagged.is_rework_outcome_known
        and flagged.comeback_window_end_epoch
        <= {{ local_to_epoch('as_of.as_of', 'branches.timezone') }}
{%- endmacro %}
