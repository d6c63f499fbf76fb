{#- Absolute seconds since 1970-01-01 UTC of a branch-local wall-clock timestamp
    (timestamp without time zone) read in the IANA zone `tz`. Durations are differences
    of these values, so a DST change neither adds nor removes an hour. Never use
    dbt.datediff for durations: it counts boundaries on DuckDB, elapsed units on Spark. -#}
{% macro local_to_epoch(ts, tz) -%}
    {{ return(adapter.dispatch('local_to_epoch', 'aftersales')(ts, tz)) }}
{%- endmacro %}

{% macro default__local_to_epoch(ts, tz) -%}
    epoch(timezone({{ tz }}, {{ ts }}))
{%- endmacro %}

{% macro spark__local_to_epoch(ts, tz) -%}
    {#- the spark target pins spark.sql.session.timeZone to UTC -#}
    unix_timestamp(to_utc_timestamp({{ ts }}, {{ tz }}))
{%- endmacro %}
