{#- Current branches (service outlets): valid rows only, one row per branch_code;
    version rules: doc block dms_source.
    SQL: macro dms_current_versions (macros/staging/dms_contract.sql). -#}
{{ dms_current_versions('branches') }}
