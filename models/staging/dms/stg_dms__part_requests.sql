{#- Current part_requests (parts lines): valid rows only, one row per request_line_id;
    version rules: doc block dms_source.
    SQL: macro dms_current_versions (macros/staging/dms_contract.sql). -#}
{{ dms_current_versions('part_requests') }}
