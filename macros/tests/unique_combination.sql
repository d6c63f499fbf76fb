{#- Primary-key test for composite keys: no two rows share the same values of
    `combination` (a list of column names; group by treats nulls as equal), and none of
    them is null except the columns listed in `nullable` (e.g. branch_code, null on
    network rows of kpi_values).
    Usage (model level):
      data_tests:
        - unique_combination:
            arguments:
              combination: [branch_code, date_day]
-#}
{% test unique_combination(model, combination, nullable=[]) %}
    {%- set cols = combination | join(', ') %}
    {%- set required = combination | reject('in', nullable) | list %}
    with keyed as (
        select
            {{ cols }},
            count(*) as n_rows
        from {{ model }}
        group by {{ cols }}
    ),

    final as (
        select *
        from keyed
        where n_rows > 1
        {%- for col in required %}
            or {{ col }} is null
        {%- endfor %}
    )

    select * from final
{% endtest %}
