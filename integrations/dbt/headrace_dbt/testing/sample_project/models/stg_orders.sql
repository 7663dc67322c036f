{% if var('fail_model') %}
select order_id, no_such_column from {{ ref('raw_orders') }}
{% else %}
select order_id, customer_id, amount from {{ ref('raw_orders') }}
{% endif %}
