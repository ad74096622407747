// RAII wrappers over LMDB: the only place in orderstream that includes <lmdb.h>. LMDB return codes
// become Status here. An LmdbEnv may be shared by threads; a txn belongs to the thread that began it.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace orderstream::log {

// Converts an LMDB/errno return code to a Status; `what` says which operation failed.
Status lmdb_status(int rc, std::string_view what);

inline MDB_val to_val(std::string_view s) {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}
// REQUIRES: the view is used only while the txn that produced `v` is alive.
inline std::string_view to_view(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}

// One LMDB environment (one data directory). Owned by the Log; dies after every txn on it.
class LmdbEnv {
 public:
  LmdbEnv() = default;
  ~LmdbEnv();
  LmdbEnv(const LmdbEnv&) = delete;
  LmdbEnv& operator=(const LmdbEnv&) = delete;

  // Opens `dir` (must exist). read_only opens with MDB_RDONLY: safe beside a live writer process.
  // Every commit fdatasyncs its data pages before it writes its meta page (MDB_NOMETASYNC).
  Status open(const std::string& dir, uint64_t map_size_bytes, unsigned max_dbs, bool read_only);
  // Closes the environment (idempotent). REQUIRES: no txn or cursor of it is still alive.
  void close();
  // Flushes every committed txn to disk (fdatasync). Thread-safe.
  Status sync();
  // The id of the latest committed write txn (what a read txn begun now sees). Thread-safe.
  uint64_t last_txn_id() const;
  // REQUIRES: no txn is active in this process.
  Status set_map_size(uint64_t bytes);
  MDB_env* raw() const { return env_; }
  bool read_only() const { return read_only_; }

 private:
  MDB_env* env_ = nullptr;
  bool read_only_ = false;
};

// A transaction; aborts in its destructor unless committed. Used by one thread.
class LmdbTxn {
 public:
  LmdbTxn() = default;
  ~LmdbTxn() { abort(); }
  LmdbTxn(LmdbTxn&& o) noexcept : txn_(o.txn_), wrote_(o.wrote_) { o.txn_ = nullptr; }
  LmdbTxn& operator=(LmdbTxn&& o) noexcept;
  LmdbTxn(const LmdbTxn&) = delete;

  Status begin(const LmdbEnv& env, bool read_only);
  Status commit();
  // After a successful commit of a write txn: whether it wrote (and synced) pages; false for a
  // txn that changed nothing.
  bool wrote() const { return wrote_; }
  // After a commit that wrote: its txn id (LMDB numbers commits 1, 2, ...).
  uint64_t committed_id() const { return committed_id_; }
  void abort();
  MDB_txn* raw() const { return txn_; }

  // Found: value view valid until the txn ends. NotFound is returned as a Status code.
  Status get(MDB_dbi dbi, std::string_view key, std::string_view* value) const;
  Status put(MDB_dbi dbi, std::string_view key, std::string_view value, unsigned flags = 0);
  Status del(MDB_dbi dbi, std::string_view key);
  // Reserves `size` bytes for the value of `key` (MDB_RESERVE | flags) and points *out at them,
  // to be filled before the next operation in this txn.
  Status reserve(MDB_dbi dbi, std::string_view key, size_t size, unsigned flags, char** out);
  Result<MDB_dbi> open_dbi(const std::string& name, bool create);
  // The unnamed main database, whose keys are the names of the named ones.
  Result<MDB_dbi> open_main();
  // Whether dbi names a database in this txn's snapshot (a handle opened after a read txn
  // began is unknown to it).
  bool has_dbi(MDB_dbi dbi) const;
  // Empties dbi (del: also deletes it; its handle is then closed).
  Status drop(MDB_dbi dbi, bool del);

 private:
  MDB_txn* txn_ = nullptr;
  bool wrote_ = false;
  uint64_t committed_id_ = 0;
};

// A cursor; closes in its destructor, which must run before its txn ends.
class LmdbCursor {
 public:
  LmdbCursor() = default;
  ~LmdbCursor();
  LmdbCursor(const LmdbCursor&) = delete;
  LmdbCursor& operator=(const LmdbCursor&) = delete;

  Status open(const LmdbTxn& txn, MDB_dbi dbi);
  // Each positions the cursor and returns true, false at the end/not found, or an error Status.
  Result<bool> first() { return move(MDB_FIRST, {}); }
  Result<bool> last() { return move(MDB_LAST, {}); }
  Result<bool> next() { return move(MDB_NEXT, {}); }
  Result<bool> seek(std::string_view key) { return move(MDB_SET_RANGE, key); }  // first >= key
  std::string_view key() const { return to_view(key_); }
  std::string_view value() const { return to_view(val_); }
  // Deletes the current item; a following next() yields the item after it (LMDB keeps C_DEL).
  Status del();

 private:
  Result<bool> move(MDB_cursor_op op, std::string_view key);
  MDB_cursor* cur_ = nullptr;
  MDB_val key_{0, nullptr};
  MDB_val val_{0, nullptr};
};

}  // namespace orderstream::log
