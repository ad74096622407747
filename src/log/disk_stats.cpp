// Log::disk_stats: where the pages of data.mdb go, database by database (`orderstream disk`).
#include <filesystem>
#include <system_error>

#include "log/log.h"
#include "log/log_impl.h"

namespace orderstream::log {
namespace {

DatabaseStats from_stat(std::string name, const MDB_stat& st) {
  DatabaseStats d;
  d.name = std::move(name);
  d.entries = st.ms_entries;
  d.depth = st.ms_depth;
  d.branch_pages = st.ms_branch_pages;
  d.leaf_pages = st.ms_leaf_pages;
  d.overflow_pages = st.ms_overflow_pages;
  return d;
}

Status stat_into(const LmdbTxn& txn, MDB_dbi dbi, std::string name, std::vector<DatabaseStats>* out) {
  MDB_stat st;
  OS_RETURN_IF_ERROR(lmdb_status(mdb_stat(txn.raw(), dbi, &st), "mdb_stat of " + name));
  out->push_back(from_stat(std::move(name), st));
  return Status::ok();
}

}  // namespace

Result<DiskStats> Log::disk_stats() const {
  LogImpl& L = *impl_;
  if (!L.env.read_only())
    return invalid_argument("disk_stats needs a log opened read-only");
  DiskStats out;
  LmdbTxn txn;
  OS_RETURN_IF_ERROR(txn.begin(L.env, /*read_only=*/true));
  MDB_envinfo info;
  OS_RETURN_IF_ERROR(lmdb_status(mdb_env_info(L.env.raw(), &info), "mdb_env_info"));
  MDB_stat env_st;
  OS_RETURN_IF_ERROR(lmdb_status(mdb_env_stat(L.env.raw(), &env_st), "mdb_env_stat"));
  out.page_size = env_st.ms_psize;
  out.used_pages = info.me_last_pgno + 1;
  std::error_code ec;
  auto size = std::filesystem::file_size(std::filesystem::path(L.options.dir) / "data.mdb", ec);
  if (!ec) out.file_bytes = size;

  OS_RETURN_IF_ERROR(stat_into(txn, 0, "(free)", &out.databases));  // LMDB's FREE_DBI
  OS_ASSIGN_OR_RETURN(MDB_dbi main, txn.open_main());
  OS_RETURN_IF_ERROR(stat_into(txn, main, "(main)", &out.databases));
  std::vector<std::string> names;
  {
    LmdbCursor c;
    OS_RETURN_IF_ERROR(c.open(txn, main));
    OS_ASSIGN_OR_RETURN(bool more, c.first());
    while (more) {
      names.emplace_back(c.key());
      OS_ASSIGN_OR_RETURN(more, c.next());
    }
  }
  for (std::string& name : names) {
    auto dbi = txn.open_dbi(name, /*create=*/false);
    if (!dbi.ok()) continue;  // a key of the main database that names no database
    OS_RETURN_IF_ERROR(stat_into(txn, *dbi, std::move(name), &out.databases));
  }
  return out;
}

}  // namespace orderstream::log
