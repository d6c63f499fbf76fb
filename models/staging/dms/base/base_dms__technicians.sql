{#- Every raw technicians row, parsed, with its quarantine reasons (null = valid).
    Names and phones stay in staging: stg_dms__technicians drops them.
    Columns, types, codes and row checks: the raw contract (var raw_contract in
    dbt_project.yml); SQL: macros/staging/dms_contract.sql. -#}
{{ dms_base_model('technicians') }}
