#include "cluster/step_records.h"

#include "log/record.h"

namespace orderstream::cluster {

std::string changelog_topic(const std::string& application_id, const std::string& sub_topology,
                            std::string_view store) {
  std::string name = application_id + "-" + sub_topology + "-" + std::string(store) + "-changelog";
  for (char& c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-';
    if (!ok) c = '.';
  }
  return name;
}

std::vector<OutRecord> step_records(const stream::PreparedStep& step, const stream::SubTopology& sub,
                                    PartitionId p, const std::string& application_id) {
  std::vector<OutRecord> out;
  for (const stream::Output& o : step.ctx.outputs()) {
    OutRecord r{};
    r.topic = o.topic;
    if (o.key) r.key = *o.key;
    if (o.value) r.value = *o.value;
    r.timestamp_ms = o.timestamp_ms == log::kNowTimestamp ? 0 : o.timestamp_ms;  // 0: the producer's clock
    if (o.partition) r.partition = o.partition->v;
    out.push_back(std::move(r));
  }
  if (sub.global) return out;
  step.ctx.for_each_state_write([&](std::string_view store, std::string_view key, const std::optional<std::string>& v) {
    OutRecord r{};
    r.topic = changelog_topic(application_id, sub.name, store);
    r.key = key;
    if (v) r.value = *v;
    r.partition = p.v;  // the task's partition: restoring a task reads one changelog partition
    out.push_back(std::move(r));
  });
  return out;
}

std::vector<InputPosition> step_positions(const stream::PreparedStep& step) {
  std::vector<InputPosition> out;
  for (const auto& [tp, next] : step.positions) out.push_back({tp.topic, tp.partition.v, next.v});
  return out;
}

}  // namespace orderstream::cluster
