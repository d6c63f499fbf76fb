{#- Current tickets (work orders): valid rows only, one row per ticket_id;
    version rules: doc block dms_source.
    SQL: macro dms_current_versions (macros/staging/dms_contract.sql). -#}
{{ dms_current_versions('tickets') }}
