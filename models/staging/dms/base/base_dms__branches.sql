{#- Every raw branches row, parsed, with its quarantine reasons (null = valid).
    Columns, types, codes and row checks: the raw contract (var raw_contract in
    dbt_project.yml); SQL: macros/staging/dms_contract.sql. -#}
{{ dms_base_model('branches') }}
