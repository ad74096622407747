#include "log/lmdb_env.h"

#include <cerrno>
#include <cstring>

namespace orderstream::log {

Status lmdb_status(int rc, std::string_view what) {
  if (rc == MDB_SUCCESS) return Status::ok();
  std::string msg = std::string(what) + ": " + mdb_strerror(rc);
  switch (rc) {
    case MDB_NOTFOUND: return not_found(msg);
    case MDB_MAP_FULL:
      return no_space(msg + " (the LMDB map is full; raise --map-size-mb or free space)");
    case ENOSPC: return no_space(msg + " (the disk is full)");
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH: return corruption(msg);
    case MDB_READERS_FULL:
    case MDB_TXN_FULL:
    case MDB_DBS_FULL: return busy(msg);
    case MDB_BAD_VALSIZE: return invalid_argument(msg);
    default: return io_error(msg);
  }
}

LmdbEnv::~LmdbEnv() { close(); }

void LmdbEnv::close() {
  if (env_) mdb_env_close(env_);
  env_ = nullptr;
}

Status LmdbEnv::open(const std::string& dir, uint64_t map_size_bytes, unsigned max_dbs,
                     bool read_only) {
  if (env_) return invalid_argument("environment already open");
  int rc = mdb_env_create(&env_);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_env_create");
  read_only_ = read_only;
  mdb_env_set_maxdbs(env_, max_dbs);
  mdb_env_set_maxreaders(env_, 512);
  if (!read_only) {
    rc = mdb_env_set_mapsize(env_, map_size_bytes);
    if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_env_set_mapsize");
  }
  // MDB_NOMETASYNC: each commit fdatasyncs its data pages but not the meta page, so an OS crash
  // can undo the last commit but never corrupt the file; Log::sync() makes a commit durable.
  // MDB_NOTLS: read txns are not bound to OS threads (readers may hand a view to a worker).
  // Never MDB_NOSYNC: without the fdatasync before the meta page, a power cut can leave a meta
  // page on disk whose pages are not, and the whole file unreadable (measured with the
  // power-loss simulator, tools/powerloss/: a cut left data.mdb without its __meta database).
  unsigned flags = MDB_NOTLS | MDB_NOMETASYNC | (read_only ? MDB_RDONLY : 0);
  rc = mdb_env_open(env_, dir.c_str(), flags, 0644);
  if (rc != MDB_SUCCESS) {
    mdb_env_close(env_);
    env_ = nullptr;
    return lmdb_status(rc, "opening LMDB environment in " + dir);
  }
  return Status::ok();
}

Status LmdbEnv::sync() { return lmdb_status(mdb_env_sync(env_, 1), "mdb_env_sync"); }

uint64_t LmdbEnv::last_txn_id() const {
  MDB_envinfo info;
  return mdb_env_info(env_, &info) == MDB_SUCCESS ? info.me_last_txnid : 0;
}

Status LmdbEnv::set_map_size(uint64_t bytes) {
  return lmdb_status(mdb_env_set_mapsize(env_, bytes), "mdb_env_set_mapsize");
}

LmdbTxn& LmdbTxn::operator=(LmdbTxn&& o) noexcept {
  if (this != &o) {
    abort();
    txn_ = o.txn_;
    o.txn_ = nullptr;
  }
  return *this;
}

Status LmdbTxn::begin(const LmdbEnv& env, bool read_only) {
  abort();
  int rc = mdb_txn_begin(env.raw(), nullptr, read_only ? MDB_RDONLY : 0, &txn_);
  if (rc != MDB_SUCCESS) txn_ = nullptr;
  return lmdb_status(rc, read_only ? "begin read txn" : "begin write txn");
}

Status LmdbTxn::commit() {
  if (!txn_) return invalid_argument("commit without a txn");
  MDB_env* env = mdb_txn_env(txn_);
  size_t id = mdb_txn_id(txn_);
  int rc = mdb_txn_commit(txn_);
  txn_ = nullptr;  // mdb_txn_commit frees the txn even on failure
  // LMDB skips the write and the sync of a txn that changed nothing; the env's last txn id
  // then stays below this txn's.
  wrote_ = false;
  MDB_envinfo info;
  if (rc == MDB_SUCCESS && mdb_env_info(env, &info) == MDB_SUCCESS) wrote_ = info.me_last_txnid == id;
  committed_id_ = wrote_ ? id : 0;
  return lmdb_status(rc, "commit");
}

void LmdbTxn::abort() {
  if (txn_) mdb_txn_abort(txn_);
  txn_ = nullptr;
}

Status LmdbTxn::get(MDB_dbi dbi, std::string_view key, std::string_view* value) const {
  MDB_val k = to_val(key), v{0, nullptr};
  int rc = mdb_get(txn_, dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return not_found("key not found");
  if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_get");
  *value = to_view(v);
  return Status::ok();
}

Status LmdbTxn::put(MDB_dbi dbi, std::string_view key, std::string_view value, unsigned flags) {
  MDB_val k = to_val(key), v = to_val(value);
  return lmdb_status(mdb_put(txn_, dbi, &k, &v, flags), "mdb_put");
}

Status LmdbTxn::reserve(MDB_dbi dbi, std::string_view key, size_t size, unsigned flags,
                        char** out) {
  MDB_val k = to_val(key), v{size, nullptr};
  int rc = mdb_put(txn_, dbi, &k, &v, flags | MDB_RESERVE);
  if (rc == MDB_SUCCESS) *out = static_cast<char*>(v.mv_data);
  return lmdb_status(rc, "mdb_put");
}

Status LmdbTxn::del(MDB_dbi dbi, std::string_view key) {
  MDB_val k = to_val(key);
  int rc = mdb_del(txn_, dbi, &k, nullptr);
  if (rc == MDB_NOTFOUND) return Status::ok();
  return lmdb_status(rc, "mdb_del");
}

Result<MDB_dbi> LmdbTxn::open_dbi(const std::string& name, bool create) {
  MDB_dbi dbi = 0;
  int rc = mdb_dbi_open(txn_, name.c_str(), create ? MDB_CREATE : 0, &dbi);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, "opening database '" + name + "'");
  return dbi;
}

Result<MDB_dbi> LmdbTxn::open_main() {
  MDB_dbi dbi = 0;
  int rc = mdb_dbi_open(txn_, nullptr, 0, &dbi);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, "opening the main database");
  return dbi;
}

bool LmdbTxn::has_dbi(MDB_dbi dbi) const {
  unsigned flags = 0;
  return mdb_dbi_flags(txn_, dbi, &flags) == MDB_SUCCESS;
}

Status LmdbTxn::drop(MDB_dbi dbi, bool del) {
  return lmdb_status(mdb_drop(txn_, dbi, del ? 1 : 0), "mdb_drop");
}

LmdbCursor::~LmdbCursor() {
  if (cur_) mdb_cursor_close(cur_);
}

Status LmdbCursor::open(const LmdbTxn& txn, MDB_dbi dbi) {
  return lmdb_status(mdb_cursor_open(txn.raw(), dbi, &cur_), "mdb_cursor_open");
}

Result<bool> LmdbCursor::move(MDB_cursor_op op, std::string_view key) {
  // LMDB rejects a zero-length key (MDB_BAD_VALSIZE); "first key >= empty" is simply the first.
  if (op == MDB_SET_RANGE && key.empty()) op = MDB_FIRST;
  if (op == MDB_SET_RANGE) key_ = to_val(key);
  int rc = mdb_cursor_get(cur_, &key_, &val_, op);
  if (rc == MDB_NOTFOUND) return false;
  if (rc != MDB_SUCCESS) return lmdb_status(rc, "mdb_cursor_get");
  return true;
}

Status LmdbCursor::del() { return lmdb_status(mdb_cursor_del(cur_, 0), "mdb_cursor_del"); }

}  // namespace orderstream::log
