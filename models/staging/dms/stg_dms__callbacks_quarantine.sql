{#- Quarantined callbacks (customer follow-up contacts) rows as they landed, with their file, row number
    and reasons (doc block dms_source, step 2). SQL: macro dms_quarantined
    (macros/staging/dms_contract.sql), columns from var raw_contract. -#}
{{ dms_quarantined('callbacks') }}
