{#- The raw contract (var raw_contract), checked on a current-version staging model
    stg_dms__<table>: fails on every row that breaks it, with the rule in `failure`:
    - the primary key null or duplicated;
    - a required column null (and a boolean that is not nullable: empty parses to false),
      or `_source_file` null;
    - a code column with a code outside its `values`;
    - a row check of the table that holds (`when`), or a `references` column whose value
      is not a key of stg_dms__<other table>.
    Columns marked `staged: false` are not in the model and not checked.
    Usage (model level): `data_tests: [{dms_contract: {arguments: {table: tickets}}}]`.
-#}
{% test dms_contract(model, table) %}
    {%- set contract = dms_contract(table) -%}
    {%- set key = contract.primary_key -%}
    {%- set references = contract.checks | selectattr('references', 'defined') | list -%}
    {%- set failures = [] -%}
    {%- do failures.append(("model_rows." ~ key ~ " is null", 'null ' ~ key)) -%}
    {%- for column in contract.columns if column.get('staged', true) and column.name != 'is_deleted' -%}
        {%- if column.name != key and (column.get('required', false)
              or (column.type == 'boolean' and not column.get('nullable', false))) -%}
            {%- do failures.append(("model_rows." ~ column.name ~ " is null", 'null ' ~ column.name)) -%}
        {%- endif -%}
        {%- if column.type == 'code' -%}
            {%- do failures.append(("model_rows." ~ column.name ~ " not in ('" ~ column['values'] | join("', '") ~ "')",
                                    'invalid code ' ~ column.name)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do failures.append(("model_rows._source_file is null", 'null _source_file')) -%}
    {%- for check in contract.checks -%}
        {%- if check.references is defined -%}
            {%- do failures.append(("model_rows." ~ check.column ~ " is not null and known_"
                                    ~ check.references ~ ".known_key is null", check.reason)) -%}
        {%- else -%}
            {%- do failures.append((check.when, check.reason)) -%}
        {%- endif -%}
    {%- endfor %}
    with model_rows as (
        select * from {{ model }}
    ),
    {% for check in references %}
    known_{{ check.references }} as (
        select {{ dms_contract(check.references).primary_key }} as known_key
        from {{ ref('stg_dms__' ~ check.references) }}
    ),
    {% endfor %}
    duplicated_keys as (
        select
            {{ key }},
            'duplicated {{ key }}' as failure
        from model_rows
        group by {{ key }}
        having count(*) > 1
    ),

    checked_rows as (
        select
            model_rows.{{ key }},
            case
                {%- for condition, failure in failures %}
                when {{ condition }} then '{{ failure }}'
                {%- endfor %}
            end as failure
        from model_rows
        {%- for check in references %}
        left join known_{{ check.references }}
            on model_rows.{{ check.column }} = known_{{ check.references }}.known_key
        {%- endfor %}
    ),

    final as (
        select * from checked_rows
        where failure is not null
        union all
        select * from duplicated_keys
    )

    select * from final
{% endtest %}
