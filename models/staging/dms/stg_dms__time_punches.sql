{#- Current time_punches (clock events): valid rows only, one row per punch_id;
    version rules: doc block dms_source.
    SQL: macro dms_current_versions (macros/staging/dms_contract.sql). -#}
{{ dms_current_versions('time_punches') }}
