#include "cli/serve_backend.h"

#include <unistd.h>

#include <atomic>

#include "cluster/async_producer.h"
#include "cluster/kafka_runtime.h"
#include "log/partitioner.h"

namespace orderstream::cli {
namespace {

class EmbeddedBackend final : public ServeBackend {
 public:
  EmbeddedBackend(log::Log& log, const stream::Topology& topology, stream::RuntimeOptions options,
                  metrics::Registry* registry)
      : runtime_(log, topology, options, registry) {}
  Status init() override { return runtime_.init(); }
  Status start(const std::string&) override {
    runtime_.start();
    return Status::ok();
  }
  void stop() override { runtime_.stop(); }
  std::vector<stream::TaskFailure> failed_tasks() const override { return runtime_.failed_tasks(); }
  std::string describe() const override { return std::to_string(runtime_.task_count()) + " tasks"; }

 private:
  stream::Runtime runtime_;
};

// Commands go to the cluster through an idempotent producer, each acknowledged by every in-sync
// replica (acks=all) before its caller is answered.
class KafkaBackend final : public ServeBackend, public services::CommandSink {
 public:
  KafkaBackend(log::Log& local, const stream::Topology& topology, KafkaServeOptions options)
      : local_(local), topology_(topology), options_(std::move(options)) {}
  ~KafkaBackend() override { stop(); }

  Status init() override {
    OS_ASSIGN_OR_RETURN(producer_, cluster::AsyncProducer::open(options_.backend.client));
    runtime_ = std::make_unique<cluster::KafkaRuntime>(local_, topology_, options_.backend, options_.partitions);
    return runtime_->init();
  }
  Status start(const std::string& url) override {
    OS_RETURN_IF_ERROR(runtime_->start(options_.backend.advertised_url.empty() ? url : ""));
    directory_.store(runtime_->directory(), std::memory_order_release);
    return Status::ok();
  }
  void stop() override {
    if (!runtime_) return;
    directory_.store(nullptr, std::memory_order_release);
    runtime_->stop();
  }
  std::vector<stream::TaskFailure> failed_tasks() const override {
    return runtime_ ? runtime_->failed_tasks() : std::vector<stream::TaskFailure>{};
  }
  std::string describe() const override {
    return "Kafka backend on " + options_.backend.client.bootstrap_servers + ", application " +
           options_.backend.application_id + ", instance " + options_.backend.instance_id;
  }
  services::CommandSink* commands() override { return this; }
  void add_metrics(metrics::Registry& registry) override {
    registry.gauge_fn("stream_restored_records_total",
                      "Changelog records applied to local state by restores (tasks moved here or local state lost)",
                      {}, [this] { return static_cast<double>(runtime_ ? runtime_->restored_records() : 0); });
    registry.gauge_fn("kafka_commands_in_flight", "Commands sent to the cluster and not yet acknowledged", {},
                      [this] { return static_cast<double>(producer_ ? producer_->in_flight() : 0); });
  }

  std::function<api::KeyOwner(std::string_view, std::string_view)> key_owner() const override {
    return [this](std::string_view sub, std::string_view key) { return owner_of(std::string(sub), key); };
  }

  Status append(const std::string& topic, const std::string& key, std::optional<std::string> value,
                std::function<void(const Status&)> done) override {
    return producer_->send(topic, key, value ? std::optional<std::string_view>(*value) : std::nullopt,
                           [done = std::move(done)](const Status& st, int32_t, int64_t) { done(st); });
  }

 private:
  api::KeyOwner owner_of(const std::string& sub, std::string_view key) const {
    int32_t p = log::partition_for_key(key, options_.partitions).v;
    const cluster::InstanceDirectory* directory = directory_.load(std::memory_order_acquire);
    if (!directory) return {api::KeyOwner::Where::kNobody, ""};
    if (runtime_->owns(sub, p)) return {};
    std::optional<std::string> url = directory->owner_url(sub, p);
    if (!url) return {api::KeyOwner::Where::kNobody, ""};
    return {api::KeyOwner::Where::kThere, *url};
  }

  log::Log& local_;
  const stream::Topology& topology_;
  KafkaServeOptions options_;
  std::unique_ptr<cluster::AsyncProducer> producer_;
  std::unique_ptr<cluster::KafkaRuntime> runtime_;
  std::atomic<const cluster::InstanceDirectory*> directory_{nullptr};
};

}  // namespace

std::unique_ptr<ServeBackend> embedded_backend(log::Log& log, const stream::Topology& topology,
                                               stream::RuntimeOptions options, metrics::Registry* registry) {
  return std::make_unique<EmbeddedBackend>(log, topology, options, registry);
}

std::unique_ptr<ServeBackend> kafka_backend(log::Log& local, const stream::Topology& topology,
                                            KafkaServeOptions options) {
  return std::make_unique<KafkaBackend>(local, topology, std::move(options));
}

}  // namespace orderstream::cli
