{#- Every raw time_punches row (clock events), parsed, with its quarantine reasons
    (null = valid). Pairing (and orphan punches) happens in intermediate.
    Columns, types, codes and row checks: the raw contract (var raw_contract in
    dbt_project.yml); SQL: macros/staging/dms_contract.sql. -#}
{{ dms_base_model('time_punches') }}
