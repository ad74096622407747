// POST /topics/{topic}: the REST Proxy v2 produce request (embedded JSON), answered once the
// records are durable. Split from rest_proxy_routes.cpp (the consumer API).
#include <simdjson.h>

#include "api/api.h"
#include "api/proxy_records.h"

namespace orderstream::api {

namespace bhttp = boost::beast::http;

namespace {

constexpr size_t kMaxRecordsPerProduce = 10000;

struct ProduceRecord {
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::optional<int32_t> partition;
};

struct ProduceResult {
  std::vector<std::pair<int32_t, int64_t>> offsets;  // (partition, offset) per record
};

void produce(const std::shared_ptr<const TopicsContext>& api, RouteRequest&& r, Responder res) {
  const std::string topic = r.params.at("topic");
  auto info = api->base->log->topic(topic);
  if (!info.ok()) return res.send(proxy_error(bhttp::status::not_found, 40401, "topic '" + topic + "' not found"));
  // The single-writer rule: only its service writes an ecosystem topic (the REST API's typed
  // routes are how outsiders add orders, payments, customers and stock).
  if (auto refusal = api->owns.topic_refusal(topic))
    return res.send(proxy_error(bhttp::status::forbidden, 40301, *refusal));
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (auto bad = parse_object(parser, r.req.body(), &obj)) return res.send(std::move(*bad));
  simdjson::dom::array arr;
  if (obj["records"].get_array().get(arr) != simdjson::SUCCESS)
    return res.send(unprocessable("field 'records' must be an array of {\"key\",\"value\",\"partition\"}"));
  if (arr.size() == 0 || arr.size() > kMaxRecordsPerProduce)
    return res.send(unprocessable("'records' must hold 1.." + std::to_string(kMaxRecordsPerProduce) + " records"));
  auto records = std::make_shared<std::vector<ProduceRecord>>();
  size_t i = 0;
  for (simdjson::dom::element e : arr) {
    std::string where = "records[" + std::to_string(i++) + "]";
    simdjson::dom::object rec;
    if (e.get_object().get(rec) != simdjson::SUCCESS) return res.send(unprocessable(where + " must be an object"));
    ProduceRecord pr;
    simdjson::dom::element key, value, partition;
    if (rec["key"].get(key) == simdjson::SUCCESS) pr.key = key_bytes(key);
    if (rec["value"].get(value) == simdjson::SUCCESS) pr.value = value_bytes(value);
    if (rec["partition"].get(partition) == simdjson::SUCCESS && !partition.is_null()) {
      int64_t p = -1;
      if (partition.get_int64().get(p) != simdjson::SUCCESS)
        return res.send(unprocessable(where + ".partition must be an integer"));
      if (p < 0 || p >= info->partitions)
        return res.send(proxy_error(bhttp::status::not_found, 40402,
                                    where + ": partition " + std::to_string(p) + " of topic '" + topic +
                                        "' not found (it has " + std::to_string(info->partitions) + ")"));
      pr.partition = static_cast<int32_t>(p);
    }
    records->push_back(std::move(pr));
  }
  auto result = std::make_shared<ProduceResult>();
  auto write = [topic, records, result](log::WriteTxn& txn) -> Status {
    result->offsets.clear();  // the writer may run this more than once
    for (const ProduceRecord& pr : *records) {
      PartitionId p(pr.partition.value_or(0));
      if (!pr.partition) {
        auto chosen = txn.partition_for(topic, pr.key ? std::optional<std::string_view>(*pr.key) : std::nullopt);
        if (!chosen.ok()) return chosen.status();
        p = *chosen;
      }
      log::RecordData data;
      if (pr.key) data.key = *pr.key;
      if (pr.value) data.value = *pr.value;
      auto off = txn.append({topic, p}, data);
      if (!off.ok()) return off.status();
      result->offsets.emplace_back(p.v, off->v);
    }
    return Status();
  };
  auto done = [res, result](const Status& st) {
    if (!st.is_ok()) return res.send(proxy_status_error(st));
    std::string body = "{\"offsets\":[";
    for (size_t k = 0; k < result->offsets.size(); ++k)
      body += std::string(k ? "," : "") + "{\"partition\":" + std::to_string(result->offsets[k].first) +
              ",\"offset\":" + std::to_string(result->offsets[k].second) + ",\"error_code\":null,\"error\":null}";
    res.send(proxy_json(bhttp::status::ok, body + "],\"key_schema_id\":null,\"value_schema_id\":null}"));
  };
  Status st = api->base->writer->submit(write, done);
  if (!st.is_ok()) res.send(proxy_status_error(st));
}

}  // namespace

void add_proxy_produce_route(Router& router, const std::shared_ptr<const TopicsContext>& api) {
  router.add(bhttp::verb::post, "/topics/{topic}", [api](RouteRequest&& r, Responder res) {
    produce(api, std::move(r), std::move(res));
  });
}

}  // namespace orderstream::api
