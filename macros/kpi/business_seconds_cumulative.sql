{#- The business seconds of a branch's calendar up to the local timestamp `ts`: the
    business minutes of every earlier date (`day`.business_minutes_before, a prefix sum)
    plus the part of ts's own date's opening window before ts. `day` is the
    int_branch_business_days_accumulated row of ts's branch and date (null when ts is
    null: so is the result). Elapsed business time between two instants of a branch is
    the difference of their values (int_work_orders_sla_measured). -#}
{% macro business_seconds_cumulative(ts, day) -%}
    {%- set second_of_day -%}
    ({{ local_to_epoch(ts, "'UTC'") }}
        - {{ local_to_epoch('cast(cast(' ~ ts ~ ' as date) as ' ~ type_local_timestamp() ~ ')', "'UTC'") }})
    {%- endset -%}
    {{ day }}.business_minutes_before * 60
    + case
        when not {{ day }}.is_business_day then 0
        when {{ second_of_day }} <= {{ day }}.open_minute * 60 then 0
        when {{ second_of_day }} >= {{ day }}.close_minute * 60
            then ({{ day }}.close_minute - {{ day }}.open_minute) * 60
        else {{ second_of_day }} - {{ day }}.open_minute * 60
    end
{%- endmacro %}
