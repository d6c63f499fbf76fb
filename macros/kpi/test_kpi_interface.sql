{#- The interface of a KPI model, checked once for all of them (doc block
    kpis_daily_interface in models/intermediate/kpis/_kpis__docs.md). The KPI code comes
    from the model's name: `int_kpi_<code>_daily` or `int_kpi_<code>_periods`.

    Fails on every row that breaks it, with the reason in `failure`:
    - the primary key: (branch_code, date_day) for a daily model, (grain, period_start,
      branch_code) for a per-period model; duplicated or null;
    - kpi_code other than <code> (or null), or <code> not in the kpi_definitions seed;
    - a per-period model's grain not one of kpi_grains();
    - numerator null;
    - denominator null for a `ratio` KPI of the seed, or not null for a `count` or `amount`
      KPI (those publish no denominator).
    Usage (model level): `data_tests: [kpi_interface]`.
-#}
{% test kpi_interface(model) %}
    {#- `model` is the relation, or a subquery over it when the test reads some of its rows
        (macros/tests/rows_built.sql): then the name is the identifier in it -#}
    {%- if model is string -%}
        {%- set found = modules.re.search('(int_kpi_[a-z0-9_]+)', model) -%}
        {%- set name = found.group(1) if found else model -%}
    {%- else -%}
        {%- set name = model.identifier -%}
    {%- endif -%}
    {%- if name.startswith('int_kpi_') and name.endswith('_daily') -%}
        {%- set kpi_code = name[8:-6] -%}
        {%- set keys = ['branch_code', 'date_day'] -%}
    {%- elif name.startswith('int_kpi_') and name.endswith('_periods') -%}
        {%- set kpi_code = name[8:-8] -%}
        {%- set keys = ['grain', 'period_start', 'branch_code'] -%}
    {%- else -%}
        {#- while parsing, `model` is not the tested relation yet -#}
        {%- set kpi_code = '' -%}
        {%- set keys = ['branch_code', 'date_day'] -%}
        {%- if execute -%}
        {{ exceptions.raise_compiler_error(
            'kpi_interface applies to int_kpi_<code>_daily and int_kpi_<code>_periods models, not ' ~ name) }}
        {%- endif -%}
    {%- endif %}
    with model_rows as (
        select * from {{ model }}
    ),

    definitions as (
        select * from {{ ref('kpi_definitions') }}
    ),

    duplicated_keys as (
        select
            {{ keys | join(', ') }},
            count(*) as n_rows
        from model_rows
        group by {{ keys | join(', ') }}
        having count(*) > 1
    ),

    checked_rows as (
        select
            {%- for key in keys %}
            model_rows.{{ key }},
            {%- endfor %}
            case
                {%- for key in keys %}
                when model_rows.{{ key }} is null then 'null {{ key }}'
                {%- endfor %}
                when model_rows.kpi_code is null or model_rows.kpi_code <> '{{ kpi_code }}'
                    then 'kpi_code is not {{ kpi_code }}'
                when definitions.kpi_code is null then '{{ kpi_code }} is not in kpi_definitions'
                {%- if 'grain' in keys %}
                when model_rows.grain not in ('{{ kpi_grains() | join("', '") }}') then 'unknown grain'
                {%- endif %}
                when model_rows.numerator is null then 'null numerator'
                when definitions.kind = 'ratio' and model_rows.denominator is null
                    then 'null denominator of a ratio KPI'
                when definitions.kind in ('count', 'amount') and model_rows.denominator is not null
                    then 'denominator of a count or amount KPI'
            end as failure
        from model_rows
        left join definitions
            on definitions.kpi_code = '{{ kpi_code }}'
    ),

    final as (
        select
            {%- for key in keys %}
            {{ key }},
            {%- endfor %}
            failure
        from checked_rows
        where failure is not null
        union all
        select
            {%- for key in keys %}
            {{ key }},
            {%- endfor %}
            'duplicated key' as failure
        from duplicated_keys
    )

    select * from final
{% endtest %}
