#include "cluster/state_restore.h"

#include "cluster/cluster_metadata.h"
#include "cluster/partition_reader.h"
#include "cluster/step_records.h"
#include "log/read_view.h"
#include "log/write_txn.h"

namespace orderstream::cluster {
namespace {

// Changelog records applied per local transaction: big enough that a restore is not one commit
// per record, small enough that a transaction's dirty pages stay modest.
constexpr size_t kRestoreBatch = 5000;

struct Change {
  std::string key;
  std::optional<std::string> value;  // nullopt: a tombstone
};

// Reads partition p of `topic` from its start to its end (read_committed), handing each record
// to apply in batches. NotFound topics and empty partitions read nothing.
Status read_changelog(KafkaClient& client, const std::string& topic, int32_t p,
                      const std::function<Status(std::vector<Change>&)>& apply, int64_t* count) {
  auto described = describe_topic(client, topic);
  if (!described.ok() && described.status().code() == StatusCode::kNotFound) return Status::ok();
  OS_RETURN_IF_ERROR(described.status());
  ClusterTopic t = std::move(*described);
  if (p >= static_cast<int32_t>(t.partitions.size()))
    return invalid_argument("changelog topic '" + topic + "' has " + std::to_string(t.partitions.size()) +
                            " partitions; the task's partition " + std::to_string(p) + " has none");
  OS_RETURN_IF_ERROR(fill_offsets(client, &t));
  const ClusterPartition& part = t.partitions[static_cast<size_t>(p)];
  if (part.end <= part.start) return Status::ok();
  std::vector<Change> batch;
  return read_partition_to_end(
      client, topic, p, part.end,
      [&](const log::RecordView& r) {
        batch.push_back({std::string(r.key.value_or("")),
                         r.value ? std::optional<std::string>(std::string(*r.value)) : std::nullopt});
        ++*count;
      },
      [&](bool done) -> Status {
        if (batch.empty() || (batch.size() < kRestoreBatch && !done)) return Status::ok();
        OS_RETURN_IF_ERROR(apply(batch));
        batch.clear();
        return Status::ok();
      },
      "restoring from");
}

}  // namespace

Result<bool> local_state_current(const log::Log& local, const stream::SubTopology& sub, PartitionId p,
                                 const InputOffsets& committed, KafkaClient& client,
                                 const std::string& application_id) {
  bool any_committed = false;
  {
    OS_ASSIGN_OR_RETURN(log::ReadView view, local.read_view());
    for (size_t i = 0; i < sub.inputs.size(); ++i) {
      OS_ASSIGN_OR_RETURN(std::optional<Offset> pos, view.committed(sub.name, {sub.inputs[i], p}));
      std::optional<int64_t> mine = pos ? std::optional<int64_t>(pos->v) : std::nullopt;
      std::optional<int64_t> theirs = i < committed.size() ? committed[i] : std::nullopt;
      if (mine != theirs) return false;
      any_committed |= theirs.has_value();
    }
  }
  if (any_committed) return true;
  for (const std::string& store : sub.stores) {
    auto described = describe_topic(client, changelog_topic(application_id, sub.name, store));
    if (!described.ok() && described.status().code() == StatusCode::kNotFound) continue;
    OS_RETURN_IF_ERROR(described.status());
    OS_RETURN_IF_ERROR(fill_offsets(client, &*described));
    for (const ClusterPartition& part : described->partitions)
      if (part.id == p.v && part.end > part.start) return false;
  }
  return true;
}

Status restore_task_state(log::Log& local, const ClientOptions& options, const std::string& application_id,
                          const stream::SubTopology& sub, PartitionId p, const InputOffsets& committed,
                          int64_t* restored) {
  int64_t count = 0;
  // First forget the positions, so that a restore cut short is begun again, never trusted.
  OS_RETURN_IF_ERROR(local.write([&](log::WriteTxn& w) {
    for (const std::string& in : sub.inputs) OS_RETURN_IF_ERROR(w.delete_offset(sub.name, {in, p}));
    for (const std::string& store : sub.stores)
      OS_RETURN_IF_ERROR(w.clear_store(stream::task_store_name(sub, p, store)));
    return w.del(stream::kStreamTimeStore, stream::task_key(sub.name, p));
  }));
  ClientOptions o = options;
  o.properties.insert(o.properties.begin(), {"isolation.level", "read_committed"});
  OS_ASSIGN_OR_RETURN(auto client, KafkaClient::create(KafkaClient::Kind::kConsumer, o));
  for (const std::string& store : sub.stores) {
    std::string scoped = stream::task_store_name(sub, p, store);
    auto apply = [&](std::vector<Change>& batch) {
      return local.write([&](log::WriteTxn& w) {
        OS_ASSIGN_OR_RETURN(log::StoreRef ref, w.store_for_write(scoped));
        for (const Change& c : batch) OS_RETURN_IF_ERROR(c.value ? w.put(ref, c.key, *c.value) : w.del(ref, c.key));
        return Status::ok();
      });
    };
    OS_RETURN_IF_ERROR(read_changelog(*client, changelog_topic(application_id, sub.name, store), p.v, apply, &count));
  }
  OS_RETURN_IF_ERROR(local.write([&](log::WriteTxn& w) {
    for (size_t i = 0; i < sub.inputs.size() && i < committed.size(); ++i)
      if (committed[i]) OS_RETURN_IF_ERROR(w.commit_offset(sub.name, {sub.inputs[i], p}, Offset(*committed[i])));
    return Status::ok();
  }));
  if (restored) *restored = count;
  return Status::ok();
}

}  // namespace orderstream::cluster
