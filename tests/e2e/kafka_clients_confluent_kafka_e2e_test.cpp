// confluent-kafka-python 1.7.0 on librdkafka 2.0.2 (Debian's python3-confluent-kafka) against the real
// binary: the phases of tests/clients/confluent_kafka_scenarios.py, and what they produced and committed as the log shows it.
#include "e2e/kafka_clients_run.h"

using namespace orderstream::test;

TEST_SUITE("e2e kafka clients confluent-kafka") {
  TEST_CASE("confluent-kafka: metadata, keyed round trips with headers, each codec and offsets by time, as the log holds them") {
    check_produce_and_consume(confluent_kafka_client());
  }
  TEST_CASE("confluent-kafka: two members split a 4-partition topic and the one that stays gets it all back") {
    check_group_split(confluent_kafka_client());
  }
  TEST_CASE("confluent-kafka: a group's commits survive a server restart and a new member resumes after them") {
    check_commit_survives_restart(confluent_kafka_client());
  }
  TEST_CASE("confluent-kafka: producing to orders and committing for a stream task's group are refused") {
    check_ownership_refusals(confluent_kafka_client());
  }
  // InitProducerId, and the producer id, epoch and sequences in every batch.
  TEST_CASE("confluent-kafka: an idempotent producer's records round-trip") {
    check_idempotent_produce(confluent_kafka_client());
  }
}
