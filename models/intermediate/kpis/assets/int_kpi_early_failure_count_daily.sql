{#- early_failure_count (早期故障). Doc block: kpi_early_failure_count; unit test:
    unit_kpi_early_failure_count_boundaries. Valid repair/warranty tickets of known
    assets opened on a date from sold_on to sold_on + var('early_failure_days') days
    (both inclusive), by opened date at the ticket's branch. A count KPI: no
    denominator.
    SQL: macro kpi_asset_repair_count_daily (macros/kpi/assets_repairs_counted.sql). -#}
{%- set early_failure_end_on -%}
    cast({{ dbt.dateadd('day', var('early_failure_days'), 'sold_on') }} as date)
{%- endset %}
{{ kpi_asset_repair_count_daily(
    'early_failure_count', 'opened_on >= sold_on and opened_on <= ' ~ early_failure_end_on
) }}
