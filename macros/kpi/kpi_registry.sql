{#- The registry of daily KPI models that feed `kpi_values` (through
    `int_kpi_daily_unioned`). dbt must see every ref() while parsing, when the graph is
    not yet available, so the list is explicit; `assert_kpi_registry_complete()` fails
    the build at run time when a model tagged `kpi_daily` is missing here, or when a
    name here is not such a model. Adding a KPI: write `int_kpi_<code>_daily`, add its
    name to its area's list in macros/kpi/registry/; kpi_values itself does not change. -#}
{% macro kpi_daily_models() -%}
    {%- set headline = [
        'int_kpi_open_rate_daily',
        'int_kpi_labor_efficiency_daily',
        'int_kpi_parts_fill_rate_daily',
        'int_kpi_revisit_rate_daily',
    ] -%}
    {#- one list per catalog area, in macros/kpi/registry/ -#}
    {{ return(
        headline
        + kpi_daily_models_labour()
        + kpi_daily_models_parts()
        + kpi_daily_models_workshop()
        + kpi_daily_models_reception()
        + kpi_daily_models_service_levels()
        + kpi_daily_models_backlog()
        + kpi_daily_models_follow_up()
        + kpi_daily_models_assets()
    ) }}
{%- endmacro %}

{#- Grains of the published table, finest first. -#}
{% macro kpi_grains() -%}
    {{ return(['day', 'week', 'month', 'quarter', 'year']) }}
{%- endmacro %}

{#- Compares the registry with the models tagged `kpi_daily` (execute time only). -#}
{% macro assert_kpi_registry_complete() -%}
    {%- if execute -%}
        {%- set registered = kpi_daily_models() -%}
        {%- set tagged = [] -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and node.package_name == project_name
                  and 'kpi_daily' in node.tags and node.name.startswith('int_kpi_')
                  and node.name.endswith('_daily') -%}
                {%- do tagged.append(node.name) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set missing = tagged | reject('in', registered) | list -%}
        {%- set unknown = registered | reject('in', tagged) | list -%}
        {%- if missing or unknown -%}
            {{ exceptions.raise_compiler_error(
                'KPI registry (macros/kpi/kpi_registry.sql) out of date. Tagged kpi_daily but not registered: '
                ~ missing ~ '; registered but not a kpi_daily model: ' ~ unknown) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
