--! name: the article's platinum stream: validated orders of platinum customers (stream-table join)
> customers 1 0 {"id":1,"firstName":"Ann","lastName":"Lee","email":"ann@example.com","address":"1 Road","level":"platinum"}
> customers 5 0 {"id":5,"firstName":"Bob","lastName":"Ray","email":"bob@example.com","address":"5 Road","level":"gold"}
CREATE STREAM platinum_orders AS
  SELECT o.id AS orderId, o.customerId, c.email, o.price * o.quantity AS total
  FROM orders o JOIN customers c ON o.customerId = c.id
  WHERE c.level = 'platinum' AND o.state = 'VALIDATED'
  EMIT CHANGES;
> orders o1 1000 {"id":"o1","customerId":1,"state":"CREATED","product":"JUMPERS","quantity":2,"price":1.0}
> orders o1 2000 {"id":"o1","customerId":1,"state":"VALIDATED","product":"JUMPERS","quantity":2,"price":1.0}
> orders o2 2001 {"id":"o2","customerId":5,"state":"VALIDATED","product":"JUMPERS","quantity":1,"price":1.0}
> orders o3 2002 {"id":"o3","customerId":42,"state":"VALIDATED","product":"JUMPERS","quantity":1,"price":1.0}
> orders o4 2003 {"id":"o4","customerId":1,"state":"FAILED","product":"JUMPERS","quantity":1,"price":1.0}
< platinum_orders 1 2000 {"orderId":"o1","customerId":1,"email":"ann@example.com","total":2.0}
--! restart
--! name: the table side follows updates: Bob becomes platinum, Ann is deleted
> customers 5 3000 {"id":5,"firstName":"Bob","lastName":"Ray","email":"bob@example.com","address":"5 Road","level":"platinum"}
> customers 1 3000 -
> orders o5 4000 {"id":"o5","customerId":5,"state":"VALIDATED","product":"STOCKINGS","quantity":3,"price":1.5}
> orders o6 4001 {"id":"o6","customerId":1,"state":"VALIDATED","product":"STOCKINGS","quantity":3,"price":1.5}
< platinum_orders 5 4000 {"orderId":"o5","customerId":5,"email":"bob@example.com","total":4.5}
