--! name: statements that cannot run fail with what is wrong and where, and change nothing
--! error: line 1, column 34: unknown column 'nope'
CREATE STREAM bad1 AS SELECT id, nope FROM orders EMIT CHANGES;
--! error: line 1, column 37: unknown stream or table 'nothere'
CREATE STREAM bad2 AS SELECT * FROM nothere EMIT CHANGES;
--! error: the join condition must be <stream expression> = customers.id
CREATE STREAM bad3 AS SELECT o.id FROM orders o JOIN customers c ON o.id = c.email EMIT CHANGES;
--! error: only stream-table joins are supported
CREATE STREAM bad4 AS SELECT o.id FROM orders o JOIN payments p ON o.id = p.orderId EMIT CHANGES;
--! error: line 1, column 41: column 'state' must be in GROUP BY or inside an aggregate
CREATE TABLE bad5 AS SELECT customerId, state, COUNT(*) FROM orders GROUP BY customerId;
--! error: CREATE TABLE AS SELECT needs GROUP BY
CREATE TABLE bad6 AS SELECT id FROM orders;
--! error: GROUP BY makes a table: use CREATE TABLE AS SELECT
CREATE STREAM bad7 AS SELECT customerId, COUNT(*) FROM orders GROUP BY customerId;
--! error: line 1, column 57: cannot compare VARCHAR with BIGINT
CREATE STREAM bad8 AS SELECT id FROM orders WHERE state = 3 EMIT CHANGES;
--! error: line 1, column 45: SUM needs a number, not VARCHAR
CREATE TABLE bad9 AS SELECT customerId, SUM(state) FROM orders GROUP BY customerId;
--! error: duplicate output column 'id'
CREATE STREAM bad10 AS SELECT id, id FROM orders EMIT CHANGES;
--! error: the query would write to its own input topic 'orders'
CREATE STREAM bad11 WITH (KAFKA_TOPIC='orders') AS SELECT id FROM orders EMIT CHANGES;
--! error: LIMIT is only for push queries
CREATE STREAM bad12 AS SELECT id FROM orders EMIT CHANGES LIMIT 3;
--! error: a persistent query must read FROM a stream
CREATE STREAM bad13 AS SELECT id FROM customers EMIT CHANGES;
--! error: a stream or table named 'orders' already exists
CREATE STREAM orders (id VARCHAR KEY) WITH (KAFKA_TOPIC='orders');
--! error: topic 'clicks' does not exist; create it first or add PARTITIONS=n to WITH
CREATE STREAM clicks (id VARCHAR KEY) WITH (KAFKA_TOPIC='clicks');
--! error: WITH (KAFKA_TOPIC='...') is required
CREATE STREAM clicks (id VARCHAR KEY) WITH (VALUE_FORMAT='JSON');
--! error: VALUE_FORMAT 'AVRO' is not supported (only JSON)
CREATE STREAM clicks (id VARCHAR KEY) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='AVRO', PARTITIONS=1);
--! error: a table needs exactly one PRIMARY KEY column
CREATE TABLE t1 (id BIGINT, name VARCHAR) WITH (KAFKA_TOPIC='t1', PARTITIONS=1);
--! error: 'orders' is built in and cannot be dropped
DROP STREAM orders;
--! error: stream 'nothere' does not exist
DROP STREAM nothere;
DROP STREAM IF EXISTS nothere;
--! error: a pull query reads a table; 'orders' is a stream: add EMIT CHANGES to follow it
SELECT * FROM orders WHERE id = 'x';
--! error: a pull query needs WHERE <key column> = <value> (the key of customers is id)
SELECT * FROM customers WHERE level = 'gold';
--! error: query 'CSAS_NOPE_1' does not exist
TERMINATE CSAS_NOPE_1;
--! error: a push query (EMIT CHANGES) streams rows
SELECT * FROM orders EMIT CHANGES;
--! error: line 2, column 3: expected an expression but found 'FROM'
SELECT id,
  FROM orders;
--! error: unknown property 'foo'
SET 'foo' = 'bar';
SET 'auto.offset.reset' = 'earliest';
--! name: nothing above was created
SHOW STREAMS;
