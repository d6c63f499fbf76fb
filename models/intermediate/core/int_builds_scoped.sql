{#- One row per dbt build: the first KPI day the build recomputes (recompute_from; null:
    every day; assets_recompute_from for the assets area's KPIs) and the first day whose known-outcome flags the next build may see flip
    (open_outcomes_from). Doc block int_builds_scoped (docs/architecture.md,
    "Incremental refresh"); unit tests unit_builds_scoped_*.

    A daily KPI row of day d can change only when
    - a version of a work order, part line, punch or call dated on or after d arrived,
      was deleted or retracted (every date of every version of a touched key counts, and
      every date of every version of the work order it belongs to; of a repair it
      reworks, the delivery dates, when the rework falls within the comeback window:
      D-124);
    - the as-of time moved past the end of a known-outcome window that was still open at
      d (rework, follow-up and receipt windows; SLA targets on the business clock): with
      the same as-of time as the previous build no outcome flips, and a build in which
      nothing else changed recomputes from the day before the as-of day (D-118);
    - an employee changed: the days of every version of the work orders and punches that
      name it (as above); an asset changed: the same, for the assets area's KPIs only
      (assets_recompute_from: sold, warranty and contract dates reach no other KPI), and
      only from the first opened date its versions' dates count otherwise (D-115);
    - a branch changed (time zone, opening hours): every day is recomputed;
    - the as-of time moved back: every day is recomputed.
    Incremental on DuckDB (one row appended per build); on Spark, and in a full refresh,
    one row that recomputes every day. -#}
{{ config(
    materialized=incremental_materialization(),
    incremental_strategy='append',
    on_schema_change='fail',
) }}
{#- the incremental branch reads every base model; dbt learns that while parsing here -#}
{%- for table in ['tickets', 'part_requests', 'time_punches', 'callbacks', 'branches', 'technicians', 'assets'] %}
-- depends_on: {{ ref('base_dms__' ~ table) }}
{%- endfor %}
{%- set facts = ['tickets', 'part_requests', 'time_punches', 'callbacks'] %}
{%- set outcome_window_days = [
    var('comeback_window_days'),
    var('callback_window_days'),
    (var('parts_receipt_24h_window_hours') / 24) | round(0, 'ceil') | int,
    (var('parts_receipt_48h_window_hours') / 24) | round(0, 'ceil') | int,
    (var('parts_receipt_7d_window_hours') / 24) | round(0, 'ceil') | int,
] | max %}

with as_of_resolved as (
    select * from {{ ref('int_as_of_resolved') }}
),

sla_measured as (
    select * from {{ ref('int_work_orders_sla_measured') }}
),

{#- the base_dms__<table> models are read where they are used, not through import CTEs:
    DuckDB materializes a CTE that is read more than once, all of raw's rows here -#}

{#- the SLA targets are on the business clock (holidays, opening hours): rather than a
    calendar bound, the first opened date of a work order with an outcome still open -#}
open_sla_outcomes as (
    select min(opened_date) as first_open_date
    from sla_measured
    where not (is_response_outcome_known and is_arrival_outcome_known and is_resolution_outcome_known)
),

{%- if incremental_run() %}

previous_build as (
    select
        built_at,
        as_of,
        open_outcomes_from
    from {{ this }}
    where built_at = (select max(built_at) from {{ this }})
),

{#- a changed asset changes how the assets area's KPIs count a work order naming it only
    when the work order's opened date lies where the versions' sold, warranty or contract
    dates disagree (D-115): per asset with a row parsed since the previous build,
    reach_from is the first opened date that can count otherwise, from every version
    (stored and new) that is valid and not deleted; null when any date can (the asset
    is new in this build or was parsed again, it came or went, or a version has no
    warranty end while another has one) -#}
asset_versions as (
    select
        asset_id,
        _staged_at,
        sold_on,
        warranty_end_on,
        contract_start_on,
        contract_end_on,
        case when _quarantine_reason is null and not coalesce(is_deleted, false) then 1 else 0 end as is_known
    from {{ ref('base_dms__assets') }}
    where asset_id in (
        select asset_id
        from {{ ref('base_dms__assets') }}
        where _staged_at > (select built_at from previous_build)
    )
),

asset_dates_compared as (
    select
        asset_id,
        max(case when _staged_at <= (select built_at from previous_build) then 1 else 0 end) as has_stored_version,
        min(is_known) <> max(is_known) as known_changed,
        {%- for column in ['sold_on', 'warranty_end_on', 'contract_start_on', 'contract_end_on'] %}
        count(distinct case when is_known = 1 then {{ column }} end)
            + max(case when is_known = 1 and {{ column }} is null then 1 else 0 end) > 1 as {{ column }}_changed,
        {%- endfor %}
        max(case when is_known = 1 and warranty_end_on is null then 1 else 0 end) as has_open_warranty,
        min(case when is_known = 1 then sold_on end) as first_sold_on,
        min(case when is_known = 1 then warranty_end_on end) as first_warranty_end_on,
        min(case when is_known = 1 then contract_start_on end) as first_contract_start_on
    from asset_versions
    group by asset_id
),

asset_reach as (
    select
        asset_id,
        has_stored_version = 0 or known_changed or (warranty_end_on_changed and has_open_warranty = 1) as reaches_every_date,
        least(
            case when sold_on_changed then first_sold_on end,
            case when warranty_end_on_changed then first_warranty_end_on end,
            case when contract_start_on_changed or contract_end_on_changed then first_contract_start_on end
        ) as first_changed_on
    from asset_dates_compared
),

touched_assets as (
    select
        asset_id,
        reaches_every_date,
        case when not reaches_every_date then first_changed_on end as reach_from
    from asset_reach
    {# a first_changed_on needs a known version whose dates differ from another's #}
    where reaches_every_date or first_changed_on is not null
),

touched_technicians as (
    select distinct employee_id
    from {{ ref('base_dms__technicians') }}
    where _staged_at > (select built_at from previous_build)
),

{#- the keys with a row staged since the previous build; a changed employee reaches the
    work orders and punches naming it through joins, not an `or` in that filter, so the
    filter on _staged_at reads only the row groups staged since, and a build in which no
    employee changed reads no more (D-127) -#}
{%- for table in facts %}
{%- set key = dms_contract(table).primary_key %}

touched_{{ table }} as (
    select distinct {{ key }}
    from {{ ref('base_dms__' ~ table) }}
    where _staged_at > (select built_at from previous_build)
    {%- for column in {'tickets': ['technician_id', 'advisor_id'], 'time_punches': ['employee_id']}.get(table, []) %}
    union
    select named.{{ key }}
    from {{ ref('base_dms__' ~ table) }} as named
    inner join touched_technicians
        on named.{{ column }} = touched_technicians.employee_id
    {%- endfor %}
),
{%- endfor %}

{#- every version of a touched part line, punch or call, and the work order it belongs
    to; the work orders' versions are read once, below (reached_ticket_versions) -#}
{%- for table in facts if table != 'tickets' %}
{%- set key = dms_contract(table).primary_key %}

{{ table }}_versions as (
    select versions.*
    from {{ ref('base_dms__' ~ table) }} as versions
    inner join touched_{{ table }}
        on versions.{{ key }} = touched_{{ table }}.{{ key }}
),

{{ table }}_touched_dates as (
    select
        {{ dms_first_event_date(table, table ~ '_versions') }} as touched_date,
        {{ table }}_versions.ticket_id as related_ticket_id
    from {{ table }}_versions
),
{%- endfor %}

{#- the work orders the touched rows belong to and the touched work orders themselves
    (is_touched: 1), all their versions -#}
related_tickets as (
    select
        ticket_id,
        max(is_touched) as is_touched
    from (
        {%- for table in facts if table != 'tickets' %}
        select
            related_ticket_id as ticket_id,
            0 as is_touched
        from {{ table }}_touched_dates
        where related_ticket_id is not null
        union all
        {%- endfor %}
        select
            ticket_id,
            1 as is_touched
        from touched_tickets
    ) as related
    group by ticket_id
),

{#- a changed asset (sold, warranty or contract dates) changes only the assets area's
    KPIs, of the work orders naming it: all their versions -#}
asset_tickets as (
    select distinct
        tickets.ticket_id,
        touched_assets.reach_from
    from {{ ref('base_dms__tickets') }} as tickets
    inner join touched_assets
        on tickets.asset_id = touched_assets.asset_id
),

{#- every version of both sets of work orders in one read of base_dms__tickets; a work
    order of an asset whose dates changed counts from reach_from at the earliest (its
    assets KPI days, opened or delivered, are on or after its opened date) -#}
ticket_reach as (
    select
        ticket_id,
        true as reaches_every_kpi,
        cast(null as date) as reach_from,
        is_touched
    from related_tickets
    union all
    select
        ticket_id,
        false as reaches_every_kpi,
        reach_from,
        0 as is_touched
    from asset_tickets
),

reached_ticket_versions as (
    select
        case
            when ticket_reach.reach_from is null
                then {{ dms_first_event_date('tickets', 'ticket_versions') }}
            else greatest({{ dms_first_event_date('tickets', 'ticket_versions') }}, ticket_reach.reach_from)
        end as touched_date,
        ticket_reach.reaches_every_kpi,
        ticket_reach.is_touched,
        ticket_versions.rework_of_ticket_id,
        cast(ticket_versions.opened_at as date) as opened_on
    from {{ ref('base_dms__tickets') }} as ticket_versions
    inner join ticket_reach
        on ticket_versions.ticket_id = ticket_reach.ticket_id
),

{#- a rework changes only the comeback flags of the repair it reworks
    (int_tickets_rework_flagged), which comeback_rate and first_time_fix_rate count on
    the repair's delivery day, and only when it was opened no later than
    var('comeback_window_days') after that delivery (D-124): every delivery date of every
    version of a repair that a version of a touched work order reworks, when some
    version of the rework was opened within the window of some version of the repair's
    delivery (a day more: each date is in its own branch's time zone), that is when the
    earliest opening is within the window of the latest delivery; a rework outside every
    window flags nothing. The repair's versions are read once (D-127) -#}
rework_openings as (
    select
        rework_of_ticket_id as ticket_id,
        min(opened_on) as first_opened_on
    from reached_ticket_versions
    where is_touched = 1
        and rework_of_ticket_id is not null
    group by rework_of_ticket_id
),

repair_versions as (
    select
        cast(repairs.delivered_at as date) as delivered_on,
        max(cast(repairs.delivered_at as date)) over (partition by repairs.ticket_id) as last_delivered_on,
        rework_openings.first_opened_on
    from {{ ref('base_dms__tickets') }} as repairs
    inner join rework_openings
        on repairs.ticket_id = rework_openings.ticket_id
),

reworked_repair_dates as (
    select delivered_on as touched_date
    from repair_versions
    where delivered_on is not null
        and first_opened_on
        <= {{ dbt.dateadd('day', var('comeback_window_days') + 1, 'last_delivered_on') }}
),

touched_dates as (
    {%- for table in facts if table != 'tickets' %}
    select touched_date
    from {{ table }}_touched_dates
    union all
    {%- endfor %}
    select touched_date
    from reached_ticket_versions
    where reaches_every_kpi
    union all
    select touched_date
    from reworked_repair_dates
),

branches_touched as (
    select count(*) as touched_rows
    from {{ ref('base_dms__branches') }}
    where _staged_at > (select built_at from previous_build)
),

scope as (
    select
        case
            when (select count(*) from previous_build) = 0
                then 'no earlier build recorded'
            when (select touched_rows from branches_touched) > 0
                then 'a branch changed (time zone, opening hours, …)'
            when as_of_resolved.as_of < previous_build.as_of
                then 'the as-of time moved back'
        end as recompute_all_reason,
        least(
            coalesce((select min(touched_date) from touched_dates), cast(as_of_resolved.as_of as date)),
            {#- the previous build's open outcomes flip only if the as-of time moved (D-118) #}
            case
                when as_of_resolved.as_of > previous_build.as_of
                    then previous_build.open_outcomes_from
                else cast(as_of_resolved.as_of as date)
            end,
            cast(previous_build.as_of as date),
            cast(as_of_resolved.as_of as date)
        ) as first_changed_date,
        (select min(touched_date) from reached_ticket_versions where not reaches_every_kpi) as first_asset_date
    from as_of_resolved
    left join previous_build
        on true
),
{%- else %}

scope as (
    select
        'full refresh' as recompute_all_reason,
        cast(null as date) as first_changed_date,
        cast(null as date) as first_asset_date
),
{%- endif %}

final as (
    select
        {{ build_started_at() }} as built_at,
        as_of_resolved.as_of,
        case
            when scope.recompute_all_reason is null
                then cast({{ dbt.dateadd('day', -1, 'scope.first_changed_date') }} as date)
        end as recompute_from,
        case
            when scope.recompute_all_reason is null
                then cast({{ dbt.dateadd('day', -1, 'least(scope.first_changed_date, scope.first_asset_date)') }} as date)
        end as assets_recompute_from,
        cast(coalesce(scope.recompute_all_reason, 'changed days') as {{ dbt.type_string() }}) as recompute_reason,
        least(
            cast({{ dbt.dateadd('day', -outcome_window_days, 'cast(as_of_resolved.as_of as date)') }} as date),
            coalesce(
                (select first_open_date from open_sla_outcomes),
                cast(as_of_resolved.as_of as date)
            )
        ) as open_outcomes_from
    from as_of_resolved
    cross join scope
)

select * from final
