{#- Shared inputs of the follow-up KPIs (int_kpi_{satisfaction_rate,problem_resolution_rate,
    nps,complaint_rate}_daily).

    follow_up_customer_deliveries(code): the customer deliveries F(P), one row per valid
    ticket that is not cancelled, has delivered_at and is not internal: ticket_id,
    branch_code, the branch's timezone, date_day (delivered date, branch-local) and
    delivered_epoch (absolute epoch seconds of delivered_at). `code` is the calling KPI's:
    in an incremental build only the deliveries of the days it recomputes
    (kpi_recomputed), so that their follow-ups, not every call, are ordered and joined;
    each of these KPIs counts a delivery on its delivered date.

    follow_ups_after_delivery(deliveries, code): every follow-up (callback, any channel
    and outcome) of those deliveries attempted at or after delivered_at, compared as
    absolute instants in the branch's timezone; `deliveries` names the CTE that holds
    follow_up_customer_deliveries(code). In an incremental build only the calls attempted
    since the day before the first day the KPI `code` recomputes are read. Columns: those
    of stg_dms__callbacks. Each KPI applies its own filter (e.g. is_successful_follow_up)
    and ordering.

    first_successful_follow_up(follow_ups, answer, answered_only=false): per ticket, the
    `answer` column of its first successful follow-up (is_successful_follow_up) among
    `follow_ups` (a CTE of follow_ups_after_delivery), by attempted_at then callback_id;
    answered_only skips the follow-ups where `answer` is null. Columns: ticket_id and
    `answer` (satisfaction_rate: satisfied; nps: nps_score, answered only).

    All three emit a select statement (use each as the body of a CTE). -#}
{% macro follow_up_customer_deliveries(code) -%}
    select
        tickets.ticket_id,
        tickets.branch_code,
        branches.timezone,
        cast(tickets.delivered_at as date) as date_day,
        {{ local_to_epoch('tickets.delivered_at', 'branches.timezone') }} as delivered_epoch
    from {{ ref('stg_dms__tickets') }} as tickets
    inner join {{ ref('stg_dms__branches') }} as branches
        on tickets.branch_code = branches.branch_code
    where
        tickets.status <> 'cancelled'
        and tickets.delivered_at is not null
        and tickets.is_internal = false
        {{ kpi_recomputed('cast(tickets.delivered_at as date)', code=code, keyword='and') }}
{%- endmacro %}

{% macro follow_ups_after_delivery(deliveries, code=none) -%}
    {%- set scope = kpi_scope() if code is not none else none %}
    select callbacks.*
    from {{ ref('stg_dms__callbacks') }} as callbacks
    inner join {{ deliveries }}
        on callbacks.ticket_id = {{ deliveries }}.ticket_id
    where
        {{ local_to_epoch('callbacks.attempted_at', deliveries ~ '.timezone') }}
        >= {{ deliveries }}.delivered_epoch
    {%- if scope is not none %}
        {#- the same condition as a bound on attempted_at alone, which the scan applies
            before the join: a follow-up of a delivery on a recomputed day, in the
            branch's time zone, is attempted no earlier than an hour (a clock set back)
            before delivered_at, so not before the day before the first recomputed day
            (D-141) #}
        and callbacks.attempted_at >= cast({{ dbt.dateadd('day', -1, kpi_recomputed_bound('day', kpi_first_recomputed_day(code, scope))) }} as {{ type_local_timestamp() }})
    {%- endif %}
{%- endmacro %}


{% macro first_successful_follow_up(follow_ups, answer, answered_only=false) -%}
    select
        ticket_id,
        {{ answer }}
    from (
        select
            ticket_id,
            {{ answer }},
            row_number() over (
                partition by ticket_id
                order by attempted_at, callback_id
            ) as follow_up_order
        from {{ follow_ups }}
        where
            {{ is_successful_follow_up('channel', 'outcome') }}
            {%- if answered_only %}
            and {{ answer }} is not null
            {%- endif %}
    ) as ordered_follow_ups
    where follow_up_order = 1
{%- endmacro %}
