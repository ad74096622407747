--! name: the reference's FRAUD_ORDER table: more than 2 orders by a customer in a 30-second tumbling window
CREATE TABLE FRAUD_ORDER AS
  SELECT CUSTOMERID, COUNT(*) AS ORDER_COUNT, SUM(price * quantity) AS TOTAL
  FROM orders
  WINDOW TUMBLING (SIZE 30 SECONDS)
  GROUP BY CUSTOMERID
  HAVING COUNT(*) > 2;
> orders a1 1000 {"id":"a1","customerId":3,"state":"CREATED","product":"JUMPERS","quantity":1,"price":10.0}
> orders a2 2000 {"id":"a2","customerId":3,"state":"CREATED","product":"JUMPERS","quantity":1,"price":10.0}
> orders b1 2500 {"id":"b1","customerId":4,"state":"CREATED","product":"JUMPERS","quantity":1,"price":10.0}
> orders a3 29999 {"id":"a3","customerId":3,"state":"CREATED","product":"JUMPERS","quantity":1,"price":10.0}
> orders a4 30000 {"id":"a4","customerId":3,"state":"CREATED","product":"JUMPERS","quantity":1,"price":10.0}
> orders a5 31000 {"id":"a5","customerId":3,"state":"CREATED","product":"JUMPERS","quantity":1,"price":10.0}
< FRAUD_ORDER 3@0 29999 {"CUSTOMERID":3,"ORDER_COUNT":3,"TOTAL":30.0,"WINDOWSTART":0,"WINDOWEND":30000}
--! check
SELECT CUSTOMERID, ORDER_COUNT, WINDOWSTART, WINDOWEND FROM FRAUD_ORDER WHERE CUSTOMERID = 3;
= [3, 3, 0, 30000]
SELECT * FROM FRAUD_ORDER WHERE CUSTOMERID = 4;
= none
--! name: an out-of-order record within the grace period updates its window
> orders a6 1500 {"id":"a6","customerId":3,"state":"CREATED","product":"JUMPERS","quantity":2,"price":10.0}
< FRAUD_ORDER 3@0 29999 {"CUSTOMERID":3,"ORDER_COUNT":4,"TOTAL":50.0,"WINDOWSTART":0,"WINDOWEND":30000}
--! restart
--! name: state survives the restart: the second window reaches 3 orders
> orders a7 32000 {"id":"a7","customerId":3,"state":"VALIDATED","product":"JUMPERS","quantity":1,"price":10.0}
< FRAUD_ORDER 3@30000 32000 {"CUSTOMERID":3,"ORDER_COUNT":3,"TOTAL":30.0,"WINDOWSTART":30000,"WINDOWEND":60000}
--! check
SELECT CUSTOMERID, ORDER_COUNT, WINDOWSTART FROM FRAUD_ORDER WHERE CUSTOMERID = 3;
= [3, 4, 0]
= [3, 3, 30000]
--! name: a record older than the window's grace period is rejected, not counted
> orders z1 200000000 {"id":"z1","customerId":9,"state":"CREATED","product":"JUMPERS","quantity":1,"price":1.0}
> orders a8 2000 {"id":"a8","customerId":3,"state":"CREATED","product":"JUMPERS","quantity":1,"price":10.0}
SELECT ORDER_COUNT FROM FRAUD_ORDER WHERE CUSTOMERID = 3;
= [4]
= [3]
