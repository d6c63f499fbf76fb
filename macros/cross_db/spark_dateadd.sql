{#- dbt.dateadd on Spark. dbt-spark's spark__dateadd rebuilds the result with
    to_timestamp(<epoch seconds>), which yields null when spark.sql.timestampType is
    TIMESTAMP_NTZ (pinned by the spark target), and it raises on a null input. This
    override (dbt dispatches the `dbt` namespace to the root project first) uses
    timestampadd and returns a timestamp without time zone like DuckDB's
    `<date or timestamp> + interval`: null in, null out; month, quarter and year steps
    clamp to the month's last day on both engines. -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd(
        {{ datepart | upper }},
        cast({{ interval }} as bigint),
        cast({{ from_date_or_timestamp }} as timestamp_ntz)
    )
{%- endmacro %}
