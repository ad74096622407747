// State stores, one LMDB database each ("s/<store>"): lookup, creation inside a group's txn,
// publication after its commit, and the upgrade of a version-1 log's single `__state`.
#include "log/log_impl.h"

namespace orderstream::log {

std::string store_db_name(std::string_view store) {
  std::string name(kStoreDbPrefix);
  name.append(store);
  return name;
}

size_t LogImpl::open_databases() const {
  size_t n = 2;  // __meta and the consumer groups'
  {
    std::shared_lock lock(topics_mu);
    for (const auto& [name, t] : topics) n += t->parts.size();
    n += emptied_partition_dbs.size();
  }
  std::shared_lock lock(stores_mu);
  return n + store_dbis.size();
}

size_t LogImpl::new_databases(const std::string& topic, int32_t partitions) const {
  std::shared_lock lock(topics_mu);
  size_t n = 0;
  for (int32_t p = 0; p < partitions; ++p)
    n += !emptied_partition_dbs.count(partition_db_name(TopicPartition{topic, PartitionId(p)}));
  return n;
}

std::optional<MDB_dbi> LogImpl::find_store(std::string_view store, bool with_pending) const {
  if (with_pending) {
    auto p = pending_store_dbis.find(store);
    if (p != pending_store_dbis.end()) return p->second;
  }
  std::shared_lock lock(stores_mu);
  auto it = store_dbis.find(store);
  if (it == store_dbis.end()) return std::nullopt;
  return it->second;
}

Result<MDB_dbi> LogImpl::store_for_write(LmdbTxn& txn, std::string_view store) {
  if (std::optional<MDB_dbi> dbi = find_store(store, /*with_pending=*/true)) return *dbi;
  if (store.empty() || store.find('\0') != std::string_view::npos)
    return invalid_argument("state store name must be non-empty and contain no NUL");
  // Under write_mu: no other txn of this process opens a database meanwhile (LMDB's rule).
  OS_ASSIGN_OR_RETURN(MDB_dbi dbi, txn.open_dbi(store_db_name(store), /*create=*/true));
  pending_store_dbis.emplace(std::string(store), dbi);
  return dbi;
}

void LogImpl::end_store_creation(bool committed) {
  if (pending_store_dbis.empty()) return;
  if (committed) {
    std::unique_lock lock(stores_mu);
    store_dbis.merge(pending_store_dbis);
  }
  pending_store_dbis.clear();
}

Status LogImpl::load_stores(LmdbTxn& txn, bool upgrade_v1) {
  if (upgrade_v1) {
    // Moves every "store\0key" of `__state` into its store's database, then deletes `__state`,
    // all in the open's txn: a crash leaves either the old layout or the new one.
    OS_ASSIGN_OR_RETURN(MDB_dbi old, txn.open_dbi("__state", /*create=*/true));
    {
      LmdbCursor cur;
      OS_RETURN_IF_ERROR(cur.open(txn, old));
      OS_ASSIGN_OR_RETURN(bool found, cur.first());
      while (found) {
        std::string_view k = cur.key();
        size_t nul = k.find('\0');
        if (nul == std::string_view::npos || k.size() - nul - 1 > ReadView::kMaxStoreKeyBytes)
          return corruption("state entry without a store name in __state");
        OS_ASSIGN_OR_RETURN(MDB_dbi dbi, store_for_write(txn, k.substr(0, nul)));
        OS_RETURN_IF_ERROR(txn.put(dbi, StoredKey(k.substr(nul + 1)).view(), cur.value()));
        OS_ASSIGN_OR_RETURN(found, cur.next());
      }
    }
    OS_RETURN_IF_ERROR(txn.drop(old, /*del=*/true));
  }
  // Every existing store database, found by name in the main database.
  OS_ASSIGN_OR_RETURN(MDB_dbi main, txn.open_main());
  std::vector<std::string> names;
  {
    LmdbCursor cur;
    OS_RETURN_IF_ERROR(cur.open(txn, main));
    OS_ASSIGN_OR_RETURN(bool found, cur.seek(kStoreDbPrefix));
    while (found && cur.key().substr(0, kStoreDbPrefix.size()) == kStoreDbPrefix) {
      names.emplace_back(cur.key().substr(kStoreDbPrefix.size()));
      OS_ASSIGN_OR_RETURN(found, cur.next());
    }
  }
  for (const std::string& name : names) {
    if (pending_store_dbis.count(name)) continue;
    OS_ASSIGN_OR_RETURN(MDB_dbi dbi, txn.open_dbi(store_db_name(name), /*create=*/false));
    pending_store_dbis.emplace(name, dbi);
  }
  return Status::ok();
}

}  // namespace orderstream::log
