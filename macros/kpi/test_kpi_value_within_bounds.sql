{#- Fails on rows whose value lies outside the bounds that the KPI's formula allows
    (`value_min` / `value_max` of the kpi_definitions seed; empty = unbounded), or whose
    numerator or denominator is negative for a KPI that cannot be negative.
    Usage (model level):
      data_tests:
        - kpi_value_within_bounds:
            arguments:
              definitions: ref('kpi_definitions')
-#}
{% test kpi_value_within_bounds(model, definitions, kpi_code_column='kpi_code') %}
    with model_rows as (
        select * from {{ model }}
    ),

    checked as (
        select
            model_rows.{{ kpi_code_column }} as kpi_code,
            model_rows.numerator,
            model_rows.denominator,
            model_rows.value,
            definitions.value_min,
            definitions.value_max
        from model_rows
        inner join {{ definitions }} as definitions
            on model_rows.{{ kpi_code_column }} = definitions.kpi_code
    ),

    final as (
        select *
        from checked
        where
            (value is not null and value_min is not null and value < value_min - 0.000001)
            or (value is not null and value_max is not null and value > value_max + 0.000001)
            or (value_min is not null and value_min >= 0 and (numerator < 0 or denominator < 0))
    )

    select * from final
{% endtest %}
