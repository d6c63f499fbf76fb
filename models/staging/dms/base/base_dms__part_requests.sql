{#- Every raw part_requests row (parts lines), parsed, with its quarantine reasons
    (null = valid). The ticket a line belongs to is not checked: it may arrive in a later
    file (a late-arriving reference is kept).
    Columns, types, codes and row checks: the raw contract (var raw_contract in
    dbt_project.yml); SQL: macros/staging/dms_contract.sql. -#}
{{ dms_base_model('part_requests') }}
