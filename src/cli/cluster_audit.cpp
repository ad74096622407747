#include "cli/cluster_audit.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "cluster/cluster_metadata.h"
#include "cluster/partition_reader.h"
#include "cluster/state_restore.h"
#include "log/write_txn.h"
#include "services/ecosystem.h"
#include "services/topics.h"

namespace orderstream::cli {
namespace {

constexpr size_t kCopyBatch = 2000;

// The cluster offset of each record copied, per partition: local offset i is cluster offset
// at[i] (transaction markers and compacted records leave gaps on the cluster).
using OffsetMap = std::map<std::pair<std::string, int32_t>, std::vector<int64_t>>;

// A temporary directory, removed with everything in it.
struct ScratchDir {
  std::string path;
  ~ScratchDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

Result<std::string> make_scratch_dir() {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string templ = (base / "orderstream-audit-XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr)
    return io_error("cannot create a scratch directory under " + base.string() + " for the audit's copy");
  return templ;
}

// Copies partition p of `t` from its start to its end into the same partition of the scratch log.
Status copy_partition(cluster::KafkaClient& client, const cluster::ClusterTopic& t, int32_t p, log::Log& scratch,
                      std::vector<int64_t>* at) {
  const cluster::ClusterPartition& part = t.partitions[static_cast<size_t>(p)];
  if (part.end <= part.start) return Status::ok();
  std::vector<log::Record> batch;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::ok();
    OS_RETURN_IF_ERROR(scratch.write([&](log::WriteTxn& w) -> Status {
      for (const log::Record& r : batch) {
        log::RecordData rd;
        if (r.key) rd.key = *r.key;
        if (r.value) rd.value = *r.value;
        rd.timestamp_ms = r.timestamp_ms;
        OS_RETURN_IF_ERROR(w.append({t.name, PartitionId(p)}, rd).status());
      }
      return Status::ok();
    }));
    batch.clear();
    return Status::ok();
  };
  return cluster::read_partition_to_end(
      client, t.name, p, part.end,
      [&](const log::RecordView& r) {
        at->push_back(r.offset.v);
        batch.push_back(log::Record::from_view(r));
      },
      [&](bool done) { return batch.size() >= kCopyBatch || done ? flush() : Status::ok(); }, "copying");
}

}  // namespace

Result<services::AuditReport> audit_cluster(const ClusterArgs& args, const std::string& application_id,
                                            const services::AuditOptions& options) {
  OS_ASSIGN_OR_RETURN(cluster::ClientOptions client_opts, client_options(args));
  // What the services committed, as their read_committed consumers see it (-X may override).
  client_opts.properties.insert(client_opts.properties.begin(), {"isolation.level", "read_committed"});
  OS_ASSIGN_OR_RETURN(auto client, cluster::KafkaClient::create(cluster::KafkaClient::Kind::kConsumer, client_opts));
  services::EcosystemOptions eco;
  eco.rules = options.rules;
  stream::Topology topology = services::make_ecosystem_topology(eco, nullptr);

  ScratchDir dir;
  OS_ASSIGN_OR_RETURN(dir.path, make_scratch_dir());
  log::LogOptions lo;
  lo.dir = dir.path;
  lo.create_if_missing = true;
  lo.sync_mode = log::SyncMode::kLazy;  // a throwaway copy
  OS_ASSIGN_OR_RETURN(auto scratch, log::Log::open(lo));

  OffsetMap at;
  std::map<std::string, int32_t> partitions;
  for (const stream::TopicSpec& spec : topology.topics) {
    auto described = cluster::describe_topic(*client, spec.name);
    if (!described.ok() && described.status().code() == StatusCode::kNotFound) {
      if (spec.name == services::topics::kOrders) return described.status();
      continue;  // nothing was written there yet
    }
    OS_RETURN_IF_ERROR(described.status());
    cluster::ClusterTopic t = std::move(*described);
    OS_RETURN_IF_ERROR(cluster::fill_offsets(*client, &t));
    int32_t n = static_cast<int32_t>(t.partitions.size());
    partitions[spec.name] = n;
    OS_RETURN_IF_ERROR(scratch->create_topic(spec.name, n, log::TopicConfig{}));
    for (int32_t p = 0; p < n; ++p)
      OS_RETURN_IF_ERROR(copy_partition(*client, t, p, *scratch, &at[{spec.name, p}]));
  }

  // Each task's state as of its group's committed offsets, those offsets in the copy's numbering.
  for (const stream::SubTopology& sub : topology.sub_topologies) {
    if (sub.global || sub.inputs.empty() || !partitions.count(sub.inputs[0])) continue;
    OS_ASSIGN_OR_RETURN(auto group_client, cluster::KafkaClient::create(cluster::KafkaClient::Kind::kConsumer,
                                                                        client_opts, application_id + "-" + sub.name));
    for (int32_t p = 0; p < partitions[sub.inputs[0]]; ++p) {
      cluster::InputOffsets committed;
      for (const std::string& input : sub.inputs) {
        std::optional<int64_t> local;
        if (partitions.count(input) && p < partitions[input]) {
          OS_ASSIGN_OR_RETURN(auto theirs, cluster::committed_offsets(*group_client, input, {p}));
          if (!theirs.empty() && theirs[0]) {
            const std::vector<int64_t>& copied = at[{input, p}];
            local = std::lower_bound(copied.begin(), copied.end(), *theirs[0]) - copied.begin();
          }
        }
        committed.push_back(local);
      }
      OS_RETURN_IF_ERROR(
          cluster::restore_task_state(*scratch, client_opts, application_id, sub, PartitionId(p), committed, nullptr));
    }
  }

  OS_ASSIGN_OR_RETURN(services::AuditReport report, services::audit_log(*scratch, options));
  for (services::Violation& v : report.violations) {
    auto it = at.find({v.topic, v.partition.v});
    if (v.offset && it != at.end() && v.offset->v >= 0 && static_cast<size_t>(v.offset->v) < it->second.size())
      v.offset = Offset(it->second[static_cast<size_t>(v.offset->v)]);
  }
  return report;
}

}  // namespace orderstream::cli
