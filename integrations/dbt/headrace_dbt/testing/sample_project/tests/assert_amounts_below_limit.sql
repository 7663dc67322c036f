-- Rows returned are failures: with fail_test the limit drops below real amounts.
select order_id, amount
from {{ ref('stg_orders') }}
where amount > {{ 10 if var('fail_test') else 1000 }}
