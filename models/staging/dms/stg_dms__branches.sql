{#- Current branches (service outlets): valid rows only, one row per branch_code: the
    version with the greatest updated_at, then the later file, then the later row; a
    winning deleted version removes the key.
    Columns: the raw contract (var raw_contract in dbt_project.yml);
    SQL: macros/staging/dms_contract.sql. -#}
{{ dms_current_versions('branches') }}
