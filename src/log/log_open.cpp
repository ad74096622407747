// Opening a log: directory checks, the writer lock, topic metadata, and tail recovery.
// Also topic creation and deletion, which change the same metadata.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "log/coding.h"

#include "log/log.h"
#include "log/log_impl.h"

namespace orderstream::log {
namespace fs = std::filesystem;

std::string topic_meta_key(std::string_view topic) { return "topic/" + std::string(topic); }
std::string partition_meta_key(const TopicPartition& tp) {
  return "part/" + tp.topic + "/" + std::to_string(tp.partition.v);
}
std::string partition_db_name(const TopicPartition& tp) {
  return "t/" + tp.topic + "/" + std::to_string(tp.partition.v);
}

std::string encode_topic_meta(int32_t partitions, const TopicConfig& config) {
  return std::to_string(partitions) + "\n" + format_config(config);
}

std::string encode_partition_meta(const PartitionState& s) {
  std::string v;
  encode_fixed64_le(&v, static_cast<uint64_t>(s.start.v));
  encode_fixed64_le(&v, static_cast<uint64_t>(s.end.v));
  encode_fixed64_le(&v, static_cast<uint64_t>(s.count));
  encode_fixed64_le(&v, static_cast<uint64_t>(s.bytes));
  return v;
}

bool decode_partition_meta(std::string_view v, PartitionState* s) {
  if (v.size() != 32) return false;
  s->start = Offset(static_cast<int64_t>(decode_fixed64_le(v.data())));
  s->end = Offset(static_cast<int64_t>(decode_fixed64_le(v.data() + 8)));
  s->count = static_cast<int64_t>(decode_fixed64_le(v.data() + 16));
  s->bytes = static_cast<int64_t>(decode_fixed64_le(v.data() + 24));
  return s->start <= s->end && s->count >= 0 && s->bytes >= 0;
}

namespace {

Status take_writer_lock(const std::string& dir, int* fd_out) {
  std::string path = dir + "/orderstream.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {0};
    ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
    ::close(fd);
    std::string pid = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "?";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    return busy("data directory " + dir + " is in use by another writer (pid " + pid +
                "); stop it first, or use read-only commands, which work beside it");
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The pid is only a hint for error messages; the flock is what protects the directory.
  }
  *fd_out = fd;
  return Status::ok();
}

Status check_dir(const LogOptions& o, bool* is_new) {
  std::error_code ec;
  fs::path dir(o.dir);
  bool exists = fs::exists(dir, ec);
  if (exists && !fs::is_directory(dir, ec)) return invalid_argument(o.dir + " is not a directory");
  bool has_data = exists && fs::exists(dir / "data.mdb", ec);
  *is_new = !has_data;
  if (has_data) return Status::ok();
  if (o.read_only || !o.create_if_missing)
    return not_found(exists ? "no orderstream log in " + o.dir + " (no data.mdb)"
                            : "data directory " + o.dir + " does not exist");
  if (exists && !fs::is_empty(dir, ec))
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.path().filename() != "orderstream.lock" && entry.path().filename() != "lock.mdb")
        return invalid_argument("refusing to create a log in " + o.dir +
                                ": the directory is not empty and holds no orderstream log");
  fs::create_directories(dir, ec);
  if (ec) return io_error("cannot create " + o.dir + ": " + ec.message());
  return Status::ok();
}

}  // namespace

Status LogImpl::load(LmdbTxn& txn) {
  LmdbCursor cur;
  OS_RETURN_IF_ERROR(cur.open(txn, meta_dbi));
  OS_ASSIGN_OR_RETURN(bool found, cur.seek("topic/"));
  while (found && cur.key().substr(0, 6) == "topic/") {
    auto t = std::make_unique<TopicState>();
    t->info.name = std::string(cur.key().substr(6));
    std::string_view v = cur.value();
    size_t nl = v.find('\n');
    if (nl == std::string_view::npos) return corruption("malformed metadata of topic " + t->info.name);
    t->info.partitions = std::atoi(std::string(v.substr(0, nl)).c_str());
    OS_ASSIGN_OR_RETURN(t->info.config, parse_config(v.substr(nl + 1)));
    if (t->info.partitions < 1) return corruption("bad partition count for topic " + t->info.name);
    topics.emplace(t->info.name, std::move(t));
    OS_ASSIGN_OR_RETURN(found, cur.next());
  }
  for (auto& [name, t] : topics) {
    for (int32_t p = 0; p < t->info.partitions; ++p) {
      TopicPartition tp{name, PartitionId(p)};
      auto ps = std::make_unique<PartitionState>();
      ps->meta_key = partition_meta_key(tp);
      std::string_view mv;
      Status st = txn.get(meta_dbi, ps->meta_key, &mv);
      if (!st.is_ok() || !decode_partition_meta(mv, ps.get()))
        return corruption("metadata of " + tp.to_string() + " is missing or malformed");
      OS_ASSIGN_OR_RETURN(ps->dbi, txn.open_dbi(partition_db_name(tp), false));
      t->parts.push_back(std::move(ps));
    }
  }
  return Status::ok();
}

Status LogImpl::topic_exists(WriteTxn& w, const std::string& name) const {
  std::string_view v;
  Status st = w.txn_->get(meta_dbi, topic_meta_key(name), &v);
  if (st.code() == StatusCode::kNotFound) return not_found("topic '" + name + "' does not exist");
  return st;
}

Status LogImpl::create_topic(const std::string& name, int32_t partitions,
                             const TopicConfig& config) {
  auto t = std::make_unique<TopicState>();
  t->info = TopicInfo{name, partitions, config};
  OS_RETURN_IF_ERROR(write([&](WriteTxn& w) {
    t->parts.clear();  // a rerun of this write (group commit) starts afresh
    // Checked again under the write lock: two concurrent creates both pass Log's early check.
    std::string_view existing;
    if (w.txn_->get(meta_dbi, topic_meta_key(name), &existing).is_ok())
      return conflict("topic '" + name + "' already exists");
    OS_RETURN_IF_ERROR(w.txn_->put(meta_dbi, topic_meta_key(name), encode_topic_meta(partitions, config)));
    for (int32_t p = 0; p < partitions; ++p) {
      TopicPartition tp{name, PartitionId(p)};
      auto ps = std::make_unique<PartitionState>();
      ps->meta_key = partition_meta_key(tp);
      OS_ASSIGN_OR_RETURN(ps->dbi, w.txn_->open_dbi(partition_db_name(tp), true));
      OS_RETURN_IF_ERROR(w.txn_->put(meta_dbi, ps->meta_key, encode_partition_meta(*ps)));
      t->parts.push_back(std::move(ps));
    }
    return Status::ok();
  }));
  {
    std::unique_lock lock(topics_mu);
    for (int32_t p = 0; p < partitions; ++p)  // open again under their names: counted as partitions
      emptied_partition_dbs.erase(partition_db_name(TopicPartition{name, PartitionId(p)}));
    topics.emplace(name, std::move(t));
  }
  // write() woke readers before the topic map changed; a reader that looked in between would
  // otherwise sleep until the next commit.
  wake();
  return Status::ok();
}

Status LogImpl::delete_topic(const std::string& name) {
  OS_ASSIGN_OR_RETURN(TopicState * t, find_topic(name));
  OS_RETURN_IF_ERROR(write([&](WriteTxn& w) {
    // Checked again under the write lock: a concurrent delete may have won, and then `t` is gone.
    OS_RETURN_IF_ERROR(topic_exists(w, name));
    for (int32_t p = 0; p < t->info.partitions; ++p) {
      TopicPartition tp{name, PartitionId(p)};
      // Empty the database but keep it (del=0): mdb_drop(del=1) closes the handle at once, even
      // if this txn is then aborted and rerun (group commit), leaving a dead handle behind. A
      // recreated topic reuses the empty database.
      OS_RETURN_IF_ERROR(lmdb_status(mdb_drop(w.txn_->raw(), t->parts[p]->dbi, 0), "dropping " + tp.to_string()));
      OS_RETURN_IF_ERROR(w.txn_->del(meta_dbi, partition_meta_key(tp)));
    }
    // Committed offsets of every group for this topic go too, as Kafka does on topic deletion.
    LmdbCursor cur;
    OS_RETURN_IF_ERROR(cur.open(*w.txn_, groups_dbi));
    OS_ASSIGN_OR_RETURN(bool found, cur.first());
    while (found) {
      std::string_view k = cur.key();
      size_t a = k.find('\0');
      if (a != std::string_view::npos && k.substr(a + 1, name.size() + 1) == name + '\0') {
        OS_RETURN_IF_ERROR(cur.del());
      }
      OS_ASSIGN_OR_RETURN(found, cur.next());
    }
    return w.txn_->del(meta_dbi, topic_meta_key(name));
  }));
  {
    std::unique_lock lock(topics_mu);
    for (int32_t p = 0; p < t->info.partitions; ++p)
      emptied_partition_dbs.insert(partition_db_name(TopicPartition{name, PartitionId(p)}));
    topics.erase(name);
  }
  forget_failures(name);
  // write() woke readers before the topic map changed; a reader that looked in between would
  // otherwise sleep until the next commit.
  wake();
  return Status::ok();
}

Status LogImpl::alter_topic(const std::string& name, const TopicConfig& config) {
  OS_ASSIGN_OR_RETURN(TopicState * t, find_topic(name));
  OS_RETURN_IF_ERROR(write([&](WriteTxn& w) {
    OS_RETURN_IF_ERROR(topic_exists(w, name));  // a concurrent delete may have won
    return w.txn_->put(meta_dbi, topic_meta_key(name), encode_topic_meta(t->info.partitions, config));
  }));
  {
    std::unique_lock lock(topics_mu);
    auto it = topics.find(name);  // `t` may have been deleted since the commit
    if (it != topics.end()) it->second->info.config = config;
  }
  // write() woke readers before the topic map changed; a reader that looked in between would
  // otherwise sleep until the next commit.
  wake();
  return Status::ok();
}

Result<std::unique_ptr<Log>> Log::open(const LogOptions& options) {
  auto impl = std::make_unique<LogImpl>();
  impl->options = options;
  bool is_new = false;
  OS_RETURN_IF_ERROR(check_dir(options, &is_new));
  if (!options.read_only) OS_RETURN_IF_ERROR(take_writer_lock(options.dir, &impl->lock_fd));
  OS_RETURN_IF_ERROR(impl->env.open(options.dir, options.map_size_bytes, options.max_dbs,
                                    options.read_only));
  LmdbTxn txn;
  OS_RETURN_IF_ERROR(txn.begin(impl->env, options.read_only));
  auto meta = txn.open_dbi("__meta", !options.read_only);
  if (!meta.ok())
    return invalid_argument(options.dir + " is not an orderstream data directory (no __meta database)");
  impl->meta_dbi = *meta;
  std::string_view marker;
  Status st = txn.get(impl->meta_dbi, "format", &marker);
  bool upgrade_v1 = false;
  if (st.code() == StatusCode::kNotFound && is_new && !options.read_only) {
    OS_RETURN_IF_ERROR(txn.put(impl->meta_dbi, "format", kFormatMarker));
  } else if (st.is_ok() && marker == kFormatMarkerV1) {
    if (options.read_only)
      return invalid_argument(options.dir + " holds a log in the older format 1: open it once with a "
                              "writing command (e.g. serve) to upgrade it");
    upgrade_v1 = true;
  } else if (!st.is_ok() || marker != kFormatMarker) {
    return invalid_argument(options.dir + " is not an orderstream data directory (format marker '" +
                            std::string(st.is_ok() ? marker : "missing") + "')");
  }
  OS_ASSIGN_OR_RETURN(impl->groups_dbi, txn.open_dbi("__groups", !options.read_only));
  OS_RETURN_IF_ERROR(impl->load_stores(txn, upgrade_v1));
  if (upgrade_v1) {
    OS_RETURN_IF_ERROR(txn.put(impl->meta_dbi, "format", kFormatMarker));
    std::fprintf(stderr, "orderstream: upgraded %s to log format 2 (one database per state store)\n",
                 options.dir.c_str());
  }
  OS_RETURN_IF_ERROR(impl->load(txn));
  OS_RETURN_IF_ERROR(impl->recover(txn));
  OS_RETURN_IF_ERROR(txn.commit());  // also keeps the opened database handles
  impl->end_store_creation(true);
  if (!options.read_only) {
    // What an earlier process left may still be only in the page cache (it was killed before a
    // sync): make it durable once, so durable_through() starts from a true point.
    uint64_t point = impl->env.last_txn_id();
    OS_RETURN_IF_ERROR(impl->env.sync());
    impl->durable_txn = point;
  }
  return std::unique_ptr<Log>(new Log(std::move(impl)));
}

}  // namespace orderstream::log
