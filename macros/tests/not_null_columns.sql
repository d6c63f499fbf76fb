{#- Several columns of one model are never null: one test and one scan of the model
    instead of a not_null test per column (every data test is a node of each refresh's
    dbt build, and each scanned the whole table). Fails with one row per column that has
    nulls: the column's name and how many rows hold null there.
    A column that is part of the model's primary key is tested by unique_combination
    (which also refuses nulls) or by unique + not_null, not here.
    Usage (model level):
      data_tests:
        - not_null_columns:
            arguments:
              columns: [employee_id, shift_hours, shift_date]
-#}
{% test not_null_columns(model, columns) %}
    with null_counts as (
        select
            {%- for column in columns %}
            sum(case when {{ adapter.quote(column) }} is null then 1 else 0 end) as null_rows_{{ loop.index }}
            {%- if not loop.last %},{% endif %}
            {%- endfor %}
        from {{ model }}
    ),

    per_column as (
        {%- for column in columns %}
        select
            '{{ column }}' as column_name,
            null_rows_{{ loop.index }} as null_rows
        from null_counts
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ),

    final as (
        select
            column_name,
            null_rows
        from per_column
        where null_rows > 0
    )

    select * from final
{% endtest %}
