{#- The KPI registry: every KPI model that feeds `kpi_values`, by catalog area (the
    area folder under models/intermediate/kpis/ and the `area` of the kpi_definitions
    seed), one line per KPI. `int_kpi_<code>_daily` models are unioned by
    `int_kpi_daily_unioned`, `int_kpi_<code>_periods` models (distinct counts over a
    period) by `int_kpi_periods_unioned`.

    Why a list at all: dbt resolves ref() while parsing, before the graph (or any seed) is
    available, so the models to union cannot be derived from the graph or the seed without
    losing their dependencies (dbt-core issue 1212). The list is checked instead:
    `assert_kpi_registry_complete()` fails the build when a model tagged `kpi_daily` or
    `kpi_period` is missing here, or a name here is not such a model; the test
    tests/python/test_kpi_layout.py checks that every seeded KPI is listed under its
    area and sits in that area's folder with its doc block and unit test.
    Adding a KPI: its SQL, yml entry, doc block and unit test in its area folder, a row
    in seeds/kpi_definitions.csv, and its model name here. -#}
{% macro kpi_models_by_area() -%}
    {{ return({
        'labour': [
            'int_kpi_open_rate_daily',
            'int_kpi_labor_efficiency_daily',
            'int_kpi_productivity_index_daily',
            'int_kpi_sold_hours_per_ticket_daily',
            'int_kpi_parts_sales_per_ticket_daily',
            'int_kpi_parts_sales_per_advisor_periods',
            'int_kpi_tickets_per_technician_periods',
        ],
        'parts': [
            'int_kpi_parts_fill_rate_daily',
            'int_kpi_parts_fill_rate_bc_daily',
            'int_kpi_parts_qty_fill_rate_daily',
            'int_kpi_parts_prepick_ontime_rate_daily',
            'int_kpi_parts_receipt_24h_rate_daily',
            'int_kpi_parts_receipt_48h_rate_daily',
            'int_kpi_parts_receipt_7d_rate_daily',
        ],
        'workshop': [
            'int_kpi_first_time_fix_rate_daily',
            'int_kpi_comeback_rate_daily',
            'int_kpi_workshop_ontime_rate_daily',
            'int_kpi_ontime_delivery_rate_daily',
            'int_kpi_invoice_ontime_rate_daily',
            'int_kpi_delivery_explanation_rate_daily',
            'int_kpi_mttr_hours_daily',
            'int_kpi_completion_cycle_hours_daily',
        ],
        'reception': [
            'int_kpi_appointment_rate_daily',
            'int_kpi_reminder_rate_daily',
            'int_kpi_punctuality_rate_daily',
            'int_kpi_catalog_quote_rate_daily',
            'int_kpi_precheck_form_rate_daily',
            'int_kpi_interactive_precheck_rate_daily',
        ],
        'service_level': [
            'int_kpi_response_sla_rate_daily',
            'int_kpi_arrival_sla_rate_daily',
            'int_kpi_resolution_sla_rate_daily',
        ],
        'backlog': [
            'int_kpi_backlog_open_daily',
            'int_kpi_backlog_over_24h_daily',
            'int_kpi_backlog_over_48h_daily',
            'int_kpi_backlog_over_72h_daily',
            'int_kpi_backlog_over_96h_daily',
            'int_kpi_backlog_over_120h_daily',
            'int_kpi_backlog_per_technician_periods',
        ],
        'follow_up': [
            'int_kpi_revisit_rate_daily',
            'int_kpi_satisfaction_rate_daily',
            'int_kpi_problem_resolution_rate_daily',
            'int_kpi_nps_daily',
            'int_kpi_complaint_rate_daily',
        ],
        'assets': [
            'int_kpi_warranty_leakage_rate_daily',
            'int_kpi_warranty_leakage_amount_daily',
            'int_kpi_early_failure_count_daily',
            'int_kpi_in_warranty_fault_count_daily',
            'int_kpi_out_of_warranty_fault_count_daily',
            'int_kpi_contract_attach_rate_periods',
        ],
    }) }}
{%- endmacro %}

{#- The registry's models whose name ends with `suffix`, in registry order. -#}
{% macro kpi_models_ending(suffix) -%}
    {%- set models = [] -%}
    {%- for area_models in kpi_models_by_area().values() -%}
        {%- for name in area_models if name.endswith(suffix) -%}
            {%- do models.append(name) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(models) }}
{%- endmacro %}

{#- Daily KPI models (`int_kpi_<code>_daily`, tag kpi_daily) of the registry. -#}
{% macro kpi_daily_models() -%}
    {{ return(kpi_models_ending('_daily')) }}
{%- endmacro %}

{#- Per-period KPI models (`int_kpi_<code>_periods`, tag kpi_period) of the registry: KPIs
    whose numerator or denominator is not a sum of days (distinct people or assets in the
    period). Interface: doc block kpis_periods_interface. -#}
{% macro kpi_period_models() -%}
    {{ return(kpi_models_ending('_periods')) }}
{%- endmacro %}

{#- The KPI codes of KPI models (`int_kpi_<code>_daily` or `int_kpi_<code>_periods`). -#}
{% macro kpi_codes_of(models) -%}
    {%- set codes = [] -%}
    {%- for name in models -%}
        {%- do codes.append(name[8:].rsplit('_', 1)[0]) -%}
    {%- endfor -%}
    {{ return(codes) }}
{%- endmacro %}

{#- The codes of the per-period KPIs (their models int_kpi_<code>_periods). -#}
{% macro kpi_period_codes() -%}
    {{ return(kpi_codes_of(kpi_period_models())) }}
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
                'KPI registry (macros/kpi/kpi_registry.sql) out of date. '
                ~ 'Per-period models not registered: ' ~ missing_periods
                ~ '; registered but not a per-period model: ' ~ unknown_periods
                ~ '; named int_kpi_<code>_periods but not tagged kpi_period: ' ~ untagged_periods) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
