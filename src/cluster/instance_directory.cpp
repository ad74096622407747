#include "cluster/instance_directory.h"

#include <charconv>
#include <cstdio>

#include "cluster/partition_reader.h"
#include "cluster/rd_types.h"

namespace orderstream::cluster {

std::string instances_topic(const std::string& application_id) { return application_id + "-instances"; }

std::string encode_instance(const InstanceInfo& info) {
  std::string out = "url=" + info.url + "\n";
  for (const auto& [sub, parts] : info.owned) {
    out += sub + "=";
    bool first = true;
    for (int32_t p : parts) {
      if (!first) out += ",";
      out += std::to_string(p);
      first = false;
    }
    out += "\n";
  }
  return out;
}

Result<InstanceInfo> decode_instance(const std::string& id, std::string_view value) {
  InstanceInfo info;
  info.id = id;
  bool have_url = false;
  while (!value.empty()) {
    size_t end = value.find('\n');
    std::string_view line = value.substr(0, end);
    value.remove_prefix(end == std::string_view::npos ? value.size() : end + 1);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0)
      return invalid_argument("instance '" + id + "': not a name=value line: '" + std::string(line) + "'");
    std::string_view name = line.substr(0, eq), rest = line.substr(eq + 1);
    if (!have_url) {
      if (name != "url") return invalid_argument("instance '" + id + "': the first line must be url=...");
      info.url = std::string(rest);
      have_url = true;
      continue;
    }
    std::set<int32_t>& parts = info.owned[std::string(name)];
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view n = rest.substr(0, comma);
      int32_t p = -1;
      auto [ptr, ec] = std::from_chars(n.data(), n.data() + n.size(), p);
      if (ec != std::errc() || ptr != n.data() + n.size() || p < 0)
        return invalid_argument("instance '" + id + "': not a partition number: '" + std::string(n) + "'");
      parts.insert(p);
      rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
    }
  }
  if (!have_url) return invalid_argument("instance '" + id + "': no url");
  return info;
}

InstanceDirectory::InstanceDirectory(ClientOptions options, std::string application_id, std::string instance_id,
                                     std::string url, std::function<Ownership()> owned_now)
    : options_(std::move(options)), topic_(instances_topic(application_id)), id_(std::move(instance_id)),
      url_(std::move(url)), owned_now_(std::move(owned_now)) {}

InstanceDirectory::~InstanceDirectory() { stop(); }

Status InstanceDirectory::start() {
  OS_ASSIGN_OR_RETURN(producer_, KafkaClient::create(KafkaClient::Kind::kProducer, options_));
  OS_ASSIGN_OR_RETURN(consumer_, KafkaClient::create(KafkaClient::Kind::kConsumer, options_));
  thread_ = std::thread([this] { run(); });
  return Status::ok();
}

void InstanceDirectory::stop() {
  if (!thread_.joinable()) return;
  stopping_.store(true, std::memory_order_release);
  thread_.join();
  // Others stop routing here at once instead of at the next rebalance's entry.
  if (Status st = publish(std::nullopt); !st.is_ok())
    std::fprintf(stderr, "orderstream: leaving the instance directory: %s\n", st.to_string().c_str());
}

void InstanceDirectory::run() {
  PartitionReader reader(*consumer_, topic_);
  Status assigned = reader.assign({{0, kOffsetBeginning}});
  std::optional<Ownership> published;
  Status last_error;
  while (!stopping_.load(std::memory_order_acquire)) {
    Status st = assigned;
    if (st.is_ok())
      st = reader.poll(
          std::chrono::milliseconds(100),
          [&](int32_t, const log::RecordView& r) {
            std::string id(r.key.value_or(""));
            std::lock_guard lock(mu_);
            if (!r.value) {
              instances_.erase(id);
              published_at_.erase(id);
              return true;
            }
            auto info = decode_instance(id, *r.value);
            if (info.ok()) {
              instances_[id] = std::move(*info);
              published_at_[id] = r.offset.v;
            } else {
              std::fprintf(stderr, "orderstream: %s: %s (ignored)\n", topic_.c_str(), info.status().to_string().c_str());
            }
            return true;
          },
          [](int32_t) {});
    Ownership now = owned_now_();
    if (st.is_ok() && published != now) {
      st = publish(encode_instance({id_, url_, now}));
      if (st.is_ok()) published = now;
    }
    if (!st.is_ok() && st.message() != last_error.message())
      std::fprintf(stderr, "orderstream: instance directory: %s (retrying)\n", st.to_string().c_str());
    last_error = st;
    if (!assigned.is_ok()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      assigned = reader.assign({{0, kOffsetBeginning}});
    }
  }
}

Status InstanceDirectory::publish(const std::optional<std::string>& value) {
  // librdkafka's V_ macros cast their arguments unparenthesised: plain locals only.
  const char* key = id_.data();
  size_t key_size = id_.size();
  void* payload = value ? const_cast<char*>(value->data()) : nullptr;
  size_t payload_size = value ? value->size() : 0;
  int32_t partition = 0;
  rd_kafka_resp_err_t err = rd_kafka_producev(
      producer_->get(), RD_KAFKA_V_TOPIC(topic_.c_str()), RD_KAFKA_V_PARTITION(partition),
      RD_KAFKA_V_KEY(key, key_size), RD_KAFKA_V_VALUE(payload, payload_size), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_END);
  OS_RETURN_IF_ERROR(kafka_status(err, "publishing instance '" + id_ + "' to " + topic_));
  return kafka_status(rd_kafka_flush(producer_->get(), producer_->timeout_ms()),
                      "publishing instance '" + id_ + "' to " + topic_ + " on " + producer_->where());
}

std::optional<std::string> InstanceDirectory::owner_url(const std::string& sub, int32_t p) const {
  std::lock_guard lock(mu_);
  // The latest claim wins: an instance that died without its tombstone still claims what the
  // group has since given to another, until it comes back.
  std::optional<std::string> url;
  int64_t latest = -1;
  for (const auto& [id, info] : instances_) {
    auto it = info.owned.find(sub);
    if (it == info.owned.end() || !it->second.count(p)) continue;
    auto at = published_at_.find(id);
    int64_t offset = at == published_at_.end() ? -1 : at->second;
    if (!url || offset > latest) {
      url = info.url;
      latest = offset;
    }
  }
  return url;
}

std::vector<InstanceInfo> InstanceDirectory::instances() const {
  std::lock_guard lock(mu_);
  std::vector<InstanceInfo> out;
  for (const auto& [id, info] : instances_) out.push_back(info);
  return out;
}

}  // namespace orderstream::cluster
