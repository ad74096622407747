// `orderstream topics create|list|describe|alter|delete`: Kafka's kafka-topics for the embedded log.
// create, alter and delete take the writer lock, or go through the running server that holds it
// (server_client.h); list and describe read a read-only snapshot.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli/cluster_commands.h"
#include "cli/commands.h"
#include "cli/server_client.h"
#include "services/ownership.h"

namespace orderstream::cli {
namespace {

struct TopicsArgs {
  std::string name;
  int32_t partitions = 1;
  std::vector<std::string> configs;  // KEY=VALUE
  ClusterArgs cluster;               // list and describe: a Kafka cluster instead of the log
};

Status apply_configs(log::TopicConfig* config, const std::vector<std::string>& configs) {
  for (const std::string& kv : configs) OS_RETURN_IF_ERROR(log::apply_config(config, kv));
  return Status::ok();
}

Status topics_create(const GlobalOptions& g, const TopicsArgs& a) {
  log::TopicConfig config;
  // Validate everything before touching (or creating) the data directory.
  OS_RETURN_IF_ERROR(log::validate_topic_name(a.name));
  OS_RETURN_IF_ERROR(apply_configs(&config, a.configs));
  OS_ASSIGN_OR_RETURN(WriteTarget w, open_for_write(g, Access::kWriteOrCreate));
  if (w.server) {
    OS_RETURN_IF_ERROR(w.server->create_topic(a.name, a.partitions, a.configs));
  } else {
    OS_RETURN_IF_ERROR(w.log->create_topic(a.name, a.partitions, config));
    OS_RETURN_IF_ERROR(w.log->sync());
  }
  std::printf("Created topic %s.\n", a.name.c_str());
  return Status::ok();
}

Status topics_list(const GlobalOptions& g) {
  OS_ASSIGN_OR_RETURN(auto log, open_log(g, Access::kReadOnly));
  for (const log::TopicInfo& t : log->topics()) std::printf("%s\n", t.name.c_str());
  return Status::ok();
}

Status topics_describe(const GlobalOptions& g, const TopicsArgs& a) {
  OS_ASSIGN_OR_RETURN(auto log, open_log(g, Access::kReadOnly));
  OS_ASSIGN_OR_RETURN(log::TopicInfo t, log->topic(a.name));
  OS_ASSIGN_OR_RETURN(log::ReadView view, log->read_view());
  // Owner: the service that alone writes the topic (a running server refuses others), or "-".
  std::optional<std::string> owner = services::topic_owner(t.name);
  std::printf("Topic: %s\tPartitions: %d\tConfigs: %s\tOwner: %s\n", t.name.c_str(), t.partitions,
              log::format_config(t.config).c_str(), owner ? owner->c_str() : "-");
  std::printf("%-10s %14s %14s %12s %14s\n", "PARTITION", "START-OFFSET", "END-OFFSET", "RECORDS",
              "BYTES");
  for (int32_t p = 0; p < t.partitions; ++p) {
    OS_ASSIGN_OR_RETURN(log::PartitionInfo info,
                        view.partition_info(log::TopicPartition{t.name, PartitionId(p)}));
    std::printf("%-10d %14lld %14lld %12lld %14lld\n", p, static_cast<long long>(info.start.v),
                static_cast<long long>(info.end.v), static_cast<long long>(info.count),
                static_cast<long long>(info.bytes));
  }
  return Status::ok();
}

Status topics_alter(const GlobalOptions& g, const TopicsArgs& a) {
  OS_ASSIGN_OR_RETURN(WriteTarget w, open_for_write(g, Access::kWrite));
  log::TopicConfig config;
  if (w.server) {
    OS_ASSIGN_OR_RETURN(config, w.server->alter_topic(a.name, a.configs));
  } else {
    OS_ASSIGN_OR_RETURN(log::TopicInfo t, w.log->topic(a.name));
    OS_RETURN_IF_ERROR(apply_configs(&t.config, a.configs));
    OS_RETURN_IF_ERROR(w.log->alter_topic(a.name, t.config));
    OS_RETURN_IF_ERROR(w.log->sync());
    config = t.config;
  }
  std::printf("Altered topic %s: %s\n", a.name.c_str(), log::format_config(config).c_str());
  return Status::ok();
}

Status topics_delete(const GlobalOptions& g, const TopicsArgs& a) {
  OS_ASSIGN_OR_RETURN(WriteTarget w, open_for_write(g, Access::kWrite));
  if (w.server) {
    OS_RETURN_IF_ERROR(w.server->delete_topic(a.name));  // 403 for a topic the services own
  } else {
    OS_RETURN_IF_ERROR(w.log->delete_topic(a.name));
    OS_RETURN_IF_ERROR(w.log->sync());
  }
  std::printf("Deleted topic %s.\n", a.name.c_str());
  return Status::ok();
}

}  // namespace

void add_topics_commands(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto args = std::make_shared<TopicsArgs>();
  CLI::App* topics = app.add_subcommand("topics", "Create, list, describe, alter and delete topics");
  topics->require_subcommand(1);
  const GlobalOptions* g = &global;

  CLI::App* create = topics->add_subcommand("create", "Create a topic");
  create->add_option("name", args->name, "Topic name ([a-zA-Z0-9._-], 1..249 chars)")->required();
  create->add_option("--partitions", args->partitions, "Number of partitions")
      ->check(CLI::Range(1, log::kMaxPartitions));
  create->add_option("--config", args->configs,
                     "Topic config KEY=VALUE (cleanup.policy, retention.ms, retention.bytes, "
                     "delete.retention.ms); repeatable")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  create->callback([=] { *exit_code = report(topics_create(*g, *args)); });

  CLI::App* list = topics->add_subcommand("list", "List topic names, one per line");
  add_cluster_options(list, &args->cluster);
  list->callback([=] {
    *exit_code = report(args->cluster.enabled() ? cluster_topics_list(args->cluster) : topics_list(*g));
  });

  CLI::App* describe = topics->add_subcommand(
      "describe", "Show partitions, configs and per-partition offsets, record counts and bytes");
  describe->add_option("name", args->name, "Topic name")->required();
  add_cluster_options(describe, &args->cluster);
  describe->callback([=] {
    *exit_code = report(args->cluster.enabled() ? cluster_topics_describe(args->cluster, args->name)
                                                : topics_describe(*g, *args));
  });

  CLI::App* alter = topics->add_subcommand("alter", "Change topic configs");
  alter->add_option("name", args->name, "Topic name")->required();
  alter->add_option("--config", args->configs, "Topic config KEY=VALUE; repeatable")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false)
      ->required();
  alter->callback([=] { *exit_code = report(topics_alter(*g, *args)); });

  CLI::App* del = topics->add_subcommand("delete", "Delete a topic, its records and group offsets");
  del->add_option("name", args->name, "Topic name")->required();
  del->callback([=] { *exit_code = report(topics_delete(*g, *args)); });
}

}  // namespace orderstream::cli
