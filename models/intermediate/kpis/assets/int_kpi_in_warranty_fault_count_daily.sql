{#- in_warranty_fault_count (保内故障). Doc block: kpi_in_warranty_fault_count; unit test:
    unit_kpi_in_warranty_fault_count_boundaries. Valid
    repair/warranty tickets of known assets opened on or before warranty_end_on, by
    opened date at the ticket's branch. A count KPI: no denominator.
    SQL: macro kpi_asset_repair_count_daily (macros/kpi/assets_repairs_counted.sql). -#}
{{ kpi_asset_repair_count_daily('in_warranty_fault_count', 'opened_on <= warranty_end_on') }}
