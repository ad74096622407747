// `orderstream disk`: mdb_stat for the log. Where data.mdb's pages go, per database (topic
// partitions "t/...", state stores "s/...", metadata), with totals per kind; read-only, so it
// works beside a running server. The figures behind the disk-per-order benchmark.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>

#include "cli/commands.h"
#include "common/json_string.h"

namespace orderstream::cli {
namespace {

struct DiskArgs {
  bool json = false;
  size_t top = 0;  // 0: every database
};

// "t/orders/3" -> "t/*", "s/fraud-order-totals" -> "s/*"; other names stand for themselves.
std::string kind_of(const std::string& name) {
  if (name.size() > 2 && name[1] == '/') return name.substr(0, 2) + "*";
  return name;
}

std::string json_line(const log::DatabaseStats& d, uint32_t page_size) {
  std::string out = "{\"database\":";
  append_json_string(out, d.name);
  out += ",\"entries\":" + std::to_string(d.entries) + ",\"depth\":" + std::to_string(d.depth) +
         ",\"branch_pages\":" + std::to_string(d.branch_pages) +
         ",\"leaf_pages\":" + std::to_string(d.leaf_pages) +
         ",\"overflow_pages\":" + std::to_string(d.overflow_pages) +
         ",\"bytes\":" + std::to_string(d.pages() * page_size) + "}";
  return out;
}

void print_row(const log::DatabaseStats& d, uint32_t page_size) {
  std::printf("%-40s %12llu %5u %9llu %10llu %10llu %10llu %10.1f\n", d.name.c_str(),
              static_cast<unsigned long long>(d.entries), d.depth,
              static_cast<unsigned long long>(d.branch_pages),
              static_cast<unsigned long long>(d.leaf_pages),
              static_cast<unsigned long long>(d.overflow_pages),
              static_cast<unsigned long long>(d.pages()),
              static_cast<double>(d.pages() * page_size) / 1e6);
}

Status disk(const GlobalOptions& g, const DiskArgs& a) {
  OS_ASSIGN_OR_RETURN(auto log, open_log(g, Access::kReadOnly));
  OS_ASSIGN_OR_RETURN(log::DiskStats s, log->disk_stats());
  std::map<std::string, log::DatabaseStats> kinds;
  uint64_t in_trees = 0;
  for (const log::DatabaseStats& d : s.databases) {
    log::DatabaseStats& k = kinds[kind_of(d.name)];
    k.name = kind_of(d.name);
    k.entries += d.entries;
    k.depth = std::max(k.depth, d.depth);
    k.branch_pages += d.branch_pages;
    k.leaf_pages += d.leaf_pages;
    k.overflow_pages += d.overflow_pages;
    in_trees += d.pages();
  }
  std::vector<log::DatabaseStats> rows = s.databases;
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& x, const auto& y) { return x.pages() > y.pages(); });
  if (a.top > 0 && rows.size() > a.top) rows.resize(a.top);
  if (a.json) {
    std::printf("{\"page_size\":%u,\"file_bytes\":%llu,\"used_pages\":%llu,\"databases\":[", s.page_size,
                static_cast<unsigned long long>(s.file_bytes),
                static_cast<unsigned long long>(s.used_pages));
    for (size_t i = 0; i < rows.size(); ++i)
      std::printf("%s%s", i ? "," : "", json_line(rows[i], s.page_size).c_str());
    std::printf("],\"kinds\":[");
    size_t i = 0;
    for (const auto& [name, k] : kinds)
      std::printf("%s%s", i++ ? "," : "", json_line(k, s.page_size).c_str());
    std::printf("]}\n");
    return Status::ok();
  }
  std::printf("data.mdb: %.1f MB on disk, page size %u, %llu pages in use (%llu in B-trees)\n",
              static_cast<double>(s.file_bytes) / 1e6, s.page_size,
              static_cast<unsigned long long>(s.used_pages),
              static_cast<unsigned long long>(in_trees));
  std::printf("%-40s %12s %5s %9s %10s %10s %10s %10s\n", "database", "entries", "depth", "branch",
              "leaf", "overflow", "pages", "MB");
  for (const log::DatabaseStats& d : rows) print_row(d, s.page_size);
  std::printf("\nby kind:\n");
  for (const auto& [name, k] : kinds) print_row(k, s.page_size);
  return Status::ok();
}

}  // namespace

void add_disk_command(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto args = std::make_shared<DiskArgs>();
  const GlobalOptions* g = &global;
  CLI::App* c = app.add_subcommand(
      "disk", "Pages per LMDB database (topic partitions, state stores), like mdb_stat -a");
  c->add_flag("--json", args->json, "One JSON object instead of the table");
  c->add_option("--top", args->top, "Only the N largest databases (0: all)");
  c->callback([=] { *exit_code = report(disk(*g, *args)); });
}

}  // namespace orderstream::cli
