{#- Every raw callbacks row (customer follow-up contacts), parsed, with its quarantine
    reasons (null = valid). The ticket is not checked: it may arrive in a later file.
    Columns, types, codes and row checks: the raw contract (var raw_contract in
    dbt_project.yml); SQL: macros/staging/dms_contract.sql. -#}
{{ dms_base_model('callbacks') }}
