--! name: WHERE (after WINDOW, as ksqlDB writes it) filters before grouping: only CREATED records count
> orders a1 1000 {"id":"a1","customerId":3,"state":"CREATED","product":"JUMPERS","quantity":1,"price":10.0}
> orders a1 1100 {"id":"a1","customerId":3,"state":"VALIDATED","product":"JUMPERS","quantity":1,"price":10.0}
> orders a2 2000 {"id":"a2","customerId":3,"state":"CREATED","product":"JUMPERS","quantity":1,"price":10.0}
> orders a3 31000 {"id":"a3","customerId":3,"state":"CREATED","product":"JUMPERS","quantity":1,"price":10.0}
> orders a3 32000 {"id":"a3","customerId":3,"state":"FAILED","product":"JUMPERS","quantity":1,"price":10.0}
CREATE TABLE created_count AS
  SELECT customerId, COUNT(*) AS n, SUM(quantity) AS q FROM orders
  WINDOW TUMBLING (SIZE 30 SECONDS)
  WHERE state = 'CREATED'
  GROUP BY customerId;
--! check
SELECT n, q, WINDOWSTART, WINDOWEND FROM created_count WHERE customerId = 3;
= [2, 2, 0, 30000]
= [1, 1, 30000, 60000]
