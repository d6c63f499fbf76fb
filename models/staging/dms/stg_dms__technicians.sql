{#- Current technicians (service staff): valid rows only, one row per employee_id;
    version rules: doc block dms_source.
    Names and phone numbers (personal data) are dropped here and never leave staging.
    SQL: macro dms_current_versions (macros/staging/dms_contract.sql). -#}
{{ dms_current_versions('technicians') }}
