// kafka-python 2.0.2 (Debian's python3-kafka, for /usr/bin/python3) against the real binary: the
// phases of tests/clients/kafka_python_scenarios.py, and what they produced and committed as the log shows it.
#include "e2e/kafka_clients_run.h"

using namespace orderstream::test;

TEST_SUITE("e2e kafka clients kafka-python") {
  TEST_CASE("kafka-python: metadata, keyed round trips with headers, each codec and offsets by time, as the log holds them") {
    check_produce_and_consume(kafka_python_client());
  }
  TEST_CASE("kafka-python: two members split a 4-partition topic and the one that stays gets it all back") {
    check_group_split(kafka_python_client());
  }
  TEST_CASE("kafka-python: a group's commits survive a server restart and a new member resumes after them") {
    check_commit_survives_restart(kafka_python_client());
  }
  TEST_CASE("kafka-python: producing to orders and committing for a stream task's group are refused") {
    check_ownership_refusals(kafka_python_client());
  }
}
