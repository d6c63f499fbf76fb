{#- Current assets (customer vehicles and equipment): valid rows only, one row per asset_id;
    version rules: doc block dms_source.
    SQL: macro dms_current_versions (macros/staging/dms_contract.sql). -#}
{{ dms_current_versions('assets') }}
