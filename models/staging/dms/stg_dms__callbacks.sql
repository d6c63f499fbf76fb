{#- Current callbacks (customer follow-up contacts): valid rows only, one row per callback_id;
    version rules: doc block dms_source.
    SQL: macro dms_current_versions (macros/staging/dms_contract.sql). -#}
{{ dms_current_versions('callbacks') }}
