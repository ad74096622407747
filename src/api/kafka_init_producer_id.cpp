// InitProducerId on the embedded log: a new producer id per idempotent producer, persisted
// through the group commit (so no id is handed out twice, even across a crash) and answered once
// durable. Transactions are not offered: a transactional id is refused as Kafka refuses a client
// not allowed to use one, which every client reports as a fatal, named error.
#include <cstdio>

#include "api/kafka_broker.h"
#include "api/kafka_producers.h"
#include "kafka/init_producer_id.h"

namespace orderstream::api {

void kafka_init_producer_id(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h,
                            kafka::Reply reply) {
  auto req = kafka::parse_init_producer_id_request(h.api_version, h.body);
  if (!req.ok()) return;  // a malformed request closes the connection
  namespace kerr = kafka::errors;
  if (req->transactional_id)
    return reply(kafka::encode_init_producer_id_response(kerr::kTransactionalIdAuthorizationFailed, -1, -1));
  auto id = std::make_shared<int64_t>(-1);
  Status st = ctx->base->writer->submit(
      [id](log::WriteTxn& txn) {
        OS_ASSIGN_OR_RETURN(*id, allocate_producer_id(txn));
        return Status::ok();
      },
      [id, reply](const Status& s) {
        if (!s.is_ok()) {
          std::fprintf(stderr, "kafka: InitProducerId: %s\n", s.to_string().c_str());
          return reply(kafka::encode_init_producer_id_response(kerr::kCoordinatorNotAvailable, -1, -1));
        }
        reply(kafka::encode_init_producer_id_response(kerr::kNone, *id, 0));
      });
  // The write queue is full: retriable, as a coordinator that is not ready yet.
  if (!st.is_ok()) reply(kafka::encode_init_producer_id_response(kerr::kCoordinatorNotAvailable, -1, -1));
}

}  // namespace orderstream::api
