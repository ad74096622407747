--! name: filter, projection, arithmetic and PARTITION BY over the orders stream
CREATE STREAM big_orders AS
  SELECT id, customerId AS customer, price * quantity AS total, product
  FROM orders WHERE quantity >= 2 AND product IS NOT NULL
  PARTITION BY customerId
  EMIT CHANGES;
> orders o1 1000 {"id":"o1","customerId":7,"state":"CREATED","product":"JUMPERS","quantity":3,"price":2.5}
> orders o2 1001 {"id":"o2","customerId":8,"state":"CREATED","product":"JUMPERS","quantity":1,"price":2.5}
> orders o3 1002 {"id":"o3","customerId":7,"state":"CREATED","quantity":5,"price":1.0}
> orders o4 1003 not json
> orders o5 1004 {"id":"o5","customerId":9,"state":"CREATED","product":"STOCKINGS","quantity":2,"price":0.5}
< big_orders 7 1000 {"id":"o1","customer":7,"total":7.5,"product":"JUMPERS"}
< big_orders 9 1004 {"id":"o5","customer":9,"total":1.0,"product":"STOCKINGS"}
--! check
--! name: a query created later reads its source from the beginning; without PARTITION BY the key is kept
CREATE STREAM created WITH (KAFKA_TOPIC='created-orders') AS
  SELECT id, state, quantity * 2 + 1 AS odd, price / 0 AS inf, quantity / 0 AS nul, NOT (price > 2) AS cheap
  FROM orders WHERE state = 'CREATED' AND id LIKE 'o%' AND id <> 'o2'
  EMIT CHANGES;
< created-orders o1 1000 {"id":"o1","state":"CREATED","odd":7,"inf":null,"nul":null,"cheap":false}
< created-orders o3 1002 {"id":"o3","state":"CREATED","odd":11,"inf":null,"nul":null,"cheap":true}
< created-orders o5 1004 {"id":"o5","state":"CREATED","odd":5,"inf":null,"nul":null,"cheap":true}
--! check
--! restart
--! name: after a restart the queries resume where they committed: no output is repeated
> orders o6 2000 {"id":"o6","customerId":7,"state":"VALIDATED","product":"UNDERPANTS","quantity":4,"price":1.25}
< big_orders 7 2000 {"id":"o6","customer":7,"total":5.0,"product":"UNDERPANTS"}
