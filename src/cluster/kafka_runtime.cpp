#include "cluster/kafka_runtime.h"

#include <cstdio>

#include "cluster/step_records.h"
#include "cluster/topic_admin.h"

namespace orderstream::cluster {

KafkaRuntime::KafkaRuntime(log::Log& local, const stream::Topology& topology, KafkaBackendOptions options,
                           int32_t partitions)
    : local_(local), topology_(topology), options_(std::move(options)), partitions_(partitions) {}

KafkaRuntime::~KafkaRuntime() { stop(); }

Status KafkaRuntime::init() {
  if (options_.instance_id.empty()) return invalid_argument("the Kafka backend needs an instance id");
  std::vector<NewTopic> cluster_topics;
  for (const stream::TopicSpec& t : topology_.topics)
    cluster_topics.push_back({t.name, partitions_, options_.replication_factor, log::config_entries(t.config)});
  for (const stream::SubTopology& sub : topology_.sub_topologies)
    for (const std::string& store : sub.stores)
      if (!sub.global)  // a global table's changelog is its input topic
      cluster_topics.push_back({changelog_topic(options_.application_id, sub.name, store), partitions_,
                                options_.replication_factor, {{"cleanup.policy", "compact"}}});
  cluster_topics.push_back({instances_topic(options_.application_id), 1, options_.replication_factor,
                            {{"cleanup.policy", "compact"}}});
  OS_ASSIGN_OR_RETURN(auto admin, KafkaClient::create(KafkaClient::Kind::kProducer, options_.client));
  std::vector<std::string> created;
  OS_RETURN_IF_ERROR(ensure_topics(*admin, cluster_topics, &created));
  for (const std::string& name : created) std::fprintf(stderr, "orderstream: created topic '%s' on the cluster\n", name.c_str());
  for (const stream::TopicSpec& t : topology_.topics) {
    if (local_.topic(t.name).ok()) continue;
    Status st = local_.create_topic(t.name, partitions_, t.config);
    if (!st.is_ok() && st.code() != StatusCode::kConflict) return st;
  }
  for (const stream::SubTopology& sub : topology_.sub_topologies) {
    for (const std::string& in : sub.inputs) OS_RETURN_IF_ERROR(local_.topic(in).status());
    if (sub.global) {
      globals_.push_back(std::make_unique<GlobalWorker>(local_, sub, options_));
    } else {
      workers_.push_back(std::make_unique<TaskWorker>(local_, sub, options_));
    }
  }
  return Status::ok();
}

Status KafkaRuntime::start(const std::string& advertised_url) {
  if (!advertised_url.empty()) options_.advertised_url = advertised_url;
  if (!options_.advertised_url.empty()) {
    directory_ = std::make_unique<InstanceDirectory>(options_.client, options_.application_id, options_.instance_id,
                                                     options_.advertised_url, [this] {
                                                       Ownership o;
                                                       for (const auto& w : workers_) o[w->name()] = w->owned();
                                                       return o;
                                                     });
    OS_RETURN_IF_ERROR(directory_->start());
  }
  for (auto& w : workers_) threads_.emplace_back([this, worker = w.get()] { worker->run(stopping_); });
  for (auto& g : globals_) threads_.emplace_back([this, worker = g.get()] { worker->run(stopping_); });
  return Status::ok();
}

void KafkaRuntime::stop() {
  if (directory_) directory_->stop();
  stopping_.store(true, std::memory_order_release);
  for (auto& t : threads_) t.join();
  threads_.clear();
}

std::set<int32_t> KafkaRuntime::owned(const std::string& name) const {
  for (const auto& w : workers_)
    if (w->name() == name) return w->owned();
  return {};
}

bool KafkaRuntime::owns(const std::string& name, int32_t partition) const {
  for (const auto& w : workers_)
    if (w->name() == name) return w->owns(partition);
  return false;
}

std::vector<stream::TaskFailure> KafkaRuntime::failed_tasks() const {
  std::vector<stream::TaskFailure> out;
  for (const auto& w : workers_)
    for (stream::TaskFailure& f : w->failures()) out.push_back(std::move(f));
  for (const auto& g : globals_)
    for (stream::TaskFailure& f : g->failures()) out.push_back(std::move(f));
  return out;
}

int64_t KafkaRuntime::restored_records() const {
  int64_t n = 0;
  for (const auto& w : workers_) n += w->restored_records();
  return n;
}

}  // namespace orderstream::cluster
