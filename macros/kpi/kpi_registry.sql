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

{#- The registry of per-period KPI models (`int_kpi_<code>_periods`, tag `kpi_period`)
    that feed `kpi_values` through `int_kpi_periods_unioned`: KPIs whose numerator or
    denominator is not a sum of days (distinct people or assets in the period). Interface in
    docs/architecture.md ("per-period KPI models"); one list per catalog area in
    macros/kpi/registry/kpi_period_models_<area>.sql. -#}
{% macro kpi_period_models() -%}
    {{ return(
        kpi_period_models_labour()
        + kpi_period_models_parts()
        + kpi_period_models_workshop()
        + kpi_period_models_reception()
        + kpi_period_models_service_levels()
        + kpi_period_models_backlog()
        + kpi_period_models_follow_up()
        + kpi_period_models_assets()
    ) }}
{%- endmacro %}

{#- Grains of the published table, finest first. -#}
{% macro kpi_grains() -%}
    {{ return(['day', 'week', 'month', 'quarter', 'year']) }}
{%- endmacro %}

{#- Compares both registries with the models of the project (execute time only):
    - daily: models tagged `kpi_daily` and named `int_kpi_<code>_daily` must be exactly
      `kpi_daily_models()`;
    - per period: models tagged `kpi_period` or named `int_kpi_<code>_periods` must be
      exactly `kpi_period_models()`, and each of them must carry the tag. -#}
{% macro assert_kpi_registry_complete() -%}
    {%- if execute -%}
        {%- set registered = kpi_daily_models() -%}
        {%- set registered_periods = kpi_period_models() -%}
        {%- set tagged = [] -%}
        {%- set tagged_periods = [] -%}
        {%- set untagged_periods = [] -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and node.package_name == project_name -%}
                {%- if 'kpi_daily' in node.tags and node.name.startswith('int_kpi_')
                      and node.name.endswith('_daily') -%}
                    {%- do tagged.append(node.name) -%}
                {%- endif -%}
                {%- set is_period_name = node.name.startswith('int_kpi_') and node.name.endswith('_periods')
                      and node.name != 'int_kpi_periods_unioned' -%}
                {%- if 'kpi_period' in node.tags or is_period_name -%}
                    {%- do tagged_periods.append(node.name) -%}
                    {%- if 'kpi_period' not in node.tags -%}
                        {%- do untagged_periods.append(node.name) -%}
                    {%- endif -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set missing = tagged | reject('in', registered) | list -%}
        {%- set unknown = registered | reject('in', tagged) | list -%}
        {%- if missing or unknown -%}
            {{ exceptions.raise_compiler_error(
                'KPI registry (macros/kpi/kpi_registry.sql) out of date. Tagged kpi_daily but not registered: '
                ~ missing ~ '; registered but not a kpi_daily model: ' ~ unknown) }}
        {%- endif -%}
        {%- set missing_periods = tagged_periods | reject('in', registered_periods) | list -%}
        {%- set unknown_periods = registered_periods | reject('in', tagged_periods) | list -%}
        {%- if missing_periods or unknown_periods or untagged_periods -%}
            {{ exceptions.raise_compiler_error(
                'KPI period registry (kpi_period_models() in macros/kpi/kpi_registry.sql) out of date. '
                ~ 'Per-period models not registered: ' ~ missing_periods
                ~ '; registered but not a per-period model: ' ~ unknown_periods
                ~ '; named int_kpi_<code>_periods but not tagged kpi_period: ' ~ untagged_periods) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
