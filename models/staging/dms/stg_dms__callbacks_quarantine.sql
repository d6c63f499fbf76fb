{#- Quarantined callbacks (customer follow-up contacts) rows: every raw row with at
    least one quarantine reason, with the raw text of every contract column, the file it
    came from and the reasons.
    Columns: the raw contract (var raw_contract in dbt_project.yml);
    SQL: macros/staging/dms_contract.sql. -#}
{{ dms_quarantined('callbacks') }}
