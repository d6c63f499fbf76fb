{#- Absolute seconds since 1970-01-01 UTC of a branch-local wall-clock timestamp
    (timestamp without time zone) read in the IANA zone `tz`. Durations are differences
    of these values, so a DST change neither adds nor removes an hour. Never use
    dbt.datediff for durations: it counts boundaries on DuckDB, elapsed units on Spark.
    Returns bigint on every engine (landing timestamps have whole seconds). -#}
{% macro local_to_epoch(ts, tz) -%}
    {{ return(adapter.dispatch('local_to_epoch', 'aftersales')(ts, tz)) }}
{%- endmacro %}

{% macro default__local_to_epoch(ts, tz) -%}
    cast(epoch(timezone({{ tz }}, {{ ts }})) as bigint)
{%- endmacro %}

{% macro spark__local_to_epoch(ts, tz) -%}
    {#- the spark target pins spark.sql.session.timeZone to UTC -#}
    cast(unix_timestamp(to_utc_timestamp({{ ts }}, {{ tz }})) as bigint)
{%- endmacro %}
