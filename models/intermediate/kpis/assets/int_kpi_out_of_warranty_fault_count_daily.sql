{#- out_of_warranty_fault_count (保外故障). Doc block: kpi_out_of_warranty_fault_count;
    unit test: unit_kpi_out_of_warranty_fault_count_boundaries.
    Valid repair/warranty tickets of known assets opened after warranty_end_on or whose
    asset has no warranty end, by opened date at the ticket's branch. A count KPI: no
    denominator.
    SQL: macro kpi_asset_repair_count_daily (macros/kpi/assets_repairs_counted.sql). -#}
{{ kpi_asset_repair_count_daily(
    'out_of_warranty_fault_count', 'warranty_end_on is null or opened_on > warranty_end_on'
) }}
