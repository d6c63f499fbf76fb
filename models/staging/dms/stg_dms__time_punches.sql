{#- Current time_punches (clock events): valid rows only, one row per punch_id: the
    version with the greatest updated_at, then the later file, then the later row; a
    winning deleted version removes the key.
    Columns: the raw contract (var raw_contract in dbt_project.yml);
    SQL: macros/staging/dms_contract.sql. -#}
{{ dms_current_versions('time_punches') }}
