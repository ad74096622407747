--! name: streams and tables declared over new topics, a LEFT JOIN, pull queries on a topic table, DROP and TERMINATE
CREATE STREAM clicks (user_id BIGINT, url VARCHAR, ok BOOLEAN)
  WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=3);
CREATE TABLE users (id BIGINT PRIMARY KEY, name VARCHAR) WITH (KAFKA_TOPIC='users', PARTITIONS=3);
> users 1 0 {"name":"ann"}
> users 2 0 {"name":"bob"}
> users 2 5 -
CREATE STREAM named_clicks AS
  SELECT k.url, u.name FROM clicks k LEFT JOIN users u ON k.user_id = u.id
  WHERE k.url LIKE '/shop%'
  EMIT CHANGES;
> clicks - 10 {"user_id":1,"url":"/shop/a"}
> clicks - 11 {"user_id":2,"url":"/shop/b"}
> clicks - 12 {"user_id":1,"url":"/home"}
> clicks - 13 {"url":"/shop/c"}
< named_clicks 1 10 {"url":"/shop/a","name":"ann"}
< named_clicks 2 11 {"url":"/shop/b","name":null}
< named_clicks - 13 {"url":"/shop/c","name":null}
--! check
SELECT name, id FROM users WHERE id = 1;
= ["ann", 1]
SELECT name FROM users WHERE id = 2;
= none
--! error: is read by query CSAS_NAMED_CLICKS_1
DROP TABLE users;
--! error: is written by query CSAS_NAMED_CLICKS_1
DROP STREAM named_clicks;
--! name: once its query is terminated the stream keeps its records but gets no more
TERMINATE CSAS_NAMED_CLICKS_1;
--! restart
--! name: the terminated query stays terminated after a restart; its stream can then be dropped and re-created
> clicks - 20 {"user_id":1,"url":"/shop/d"}
DROP STREAM named_clicks;
DROP TABLE users;
--! error: unknown stream or table 'users'
SELECT * FROM users WHERE id = 1;
CREATE STREAM named_clicks AS SELECT url FROM clicks WHERE ok EMIT CHANGES;
> clicks - 30 {"user_id":1,"url":"/x","ok":true}
< named_clicks - 30 {"url":"/x"}
