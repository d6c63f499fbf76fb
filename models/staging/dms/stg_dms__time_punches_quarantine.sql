{#- Quarantined time_punches (clock events) rows as they landed, with their file, row number
    and reasons (doc block dms_source, step 2). SQL: macro dms_quarantined
    (macros/staging/dms_contract.sql), columns from var raw_contract. -#}
{{ dms_quarantined('time_punches') }}
