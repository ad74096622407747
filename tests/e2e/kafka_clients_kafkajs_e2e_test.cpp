// kafkajs 2.2.4 (npm, node_modules from package-lock.json) against the real binary: the phases of
// tests/clients/kafkajs_scenarios.js, and what they produced and committed as the log shows it.
#include "e2e/kafka_clients_run.h"

using namespace orderstream::test;

TEST_SUITE("e2e kafka clients kafkajs") {
  TEST_CASE("kafkajs: metadata, keyed round trips with headers, each codec and offsets by time, as the log holds them") {
    check_produce_and_consume(kafkajs_client());
  }
  TEST_CASE("kafkajs: two members split a 4-partition topic and the one that stays gets it all back") {
    check_group_split(kafkajs_client());
  }
  TEST_CASE("kafkajs: a group's commits survive a server restart and a new member resumes after them") {
    check_commit_survives_restart(kafkajs_client());
  }
  TEST_CASE("kafkajs: producing to orders and committing for a stream task's group are refused") {
    check_ownership_refusals(kafkajs_client());
  }
  // InitProducerId, and the producer id, epoch and sequences in every batch.
  TEST_CASE("kafkajs: an idempotent producer's records round-trip") {
    check_idempotent_produce(kafkajs_client());
  }
}
