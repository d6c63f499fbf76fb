{#- precheck_form_rate (预检表使用率), doc block kpi_precheck_form_rate; unit test
    unit_kpi_precheck_form_rate_prechecked. Delivered valid tickets D(P) with precheck_done
    whose pre-inspection used the checklist (precheck_form_used) / D(P) with
    precheck_done, by delivered date at the ticket's branch. -#}

with tickets as (
    select * from {{ ref('stg_dms__tickets') }}
),

prechecked_deliveries as (
    select
        branch_code,
        cast(delivered_at as date) as date_day,
        case when precheck_form_used then 1 else 0 end as used_form
    from tickets
    where
        status <> 'cancelled'
        and delivered_at is not null
        and precheck_done = true
),

final as (
    select
        'precheck_form_rate' as kpi_code,
        branch_code,
        date_day,
        cast(sum(used_form) as {{ type_kpi_measure() }}) as numerator,
        cast(count(*) as {{ type_kpi_measure() }}) as denominator
    from prechecked_deliveries
    group by
        branch_code,
        date_day
)

select * from final
