{#- Service staff without personal data: no name, no phone. -#}

with technicians as (
    select * from {{ ref('stg_dms__technicians') }}
),

final as (
    select
        employee_id,
        branch_code,
        role,
        role = 'technician' as is_technician,
        hired_on,
        left_on,
        updated_at
    from technicians
)

select * from final
