#include "cli/cluster_options.h"

namespace orderstream::cli {

void add_cluster_options(CLI::App* cmd, ClusterArgs* args) {
  cmd->add_option("--bootstrap-servers", args->bootstrap_servers,
                  "Read this Apache Kafka cluster (H:P[,H:P...]) instead of the embedded log")
      ->envname("ORDERSTREAM_BOOTSTRAP_SERVERS")
      ->type_name("H:P,...");
  cmd->add_option("-X,--kafka-property", args->properties,
                  "A librdkafka property for the cluster client, as kcat's -X (security.protocol, "
                  "sasl.*, ssl.*, debug...); repeatable")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  cmd->add_option("--kafka-timeout-ms", args->timeout_ms,
                  "How long one request to the cluster may take before the command fails")
      ->check(CLI::Range(int64_t{1}, int64_t{3600000}));
}

Result<cluster::ClientOptions> client_options(const ClusterArgs& args) {
  cluster::ClientOptions o;
  o.bootstrap_servers = args.bootstrap_servers;
  o.timeout = std::chrono::milliseconds(args.timeout_ms);
  for (const std::string& kv : args.properties) {
    OS_ASSIGN_OR_RETURN(auto p, cluster::parse_property(kv));
    o.properties.push_back(std::move(p));
  }
  return o;
}

Result<std::unique_ptr<cluster::KafkaClient>> cluster_client(const ClusterArgs& args,
                                                             cluster::KafkaClient::Kind kind,
                                                             const std::string& group) {
  OS_ASSIGN_OR_RETURN(cluster::ClientOptions o, client_options(args));
  return cluster::KafkaClient::create(kind, o, group);
}

}  // namespace orderstream::cli
