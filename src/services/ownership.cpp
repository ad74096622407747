#include "services/ownership.h"

#include <map>
#include <utility>

#include "services/ecosystem.h"
#include "services/model.h"
#include "services/topics.h"

namespace orderstream::services {
namespace {

// Who writes each topic of the topology (the topology names what tasks read, not what they
// write). ownership_test checks that every topic the topology declares is listed here.
const std::map<std::string, std::string, std::less<>>& topic_writers() {
  static const auto writers = [] {
    std::map<std::string, std::string, std::less<>> m{
        // Commands of the REST API, appended by OrdersService (the aggregator also appends the
        // orders' final states).
        {topics::kOrders, "orders"},
        {topics::kPayments, "orders"},
        {topics::kCustomers, "orders"},
        {topics::kWarehouseInventory, "orders"},
        {topics::kOrderValidations, "order-details, fraud and inventory"},
        // Repartition topics: each written by its service's rekey task.
        {topics::kOrdersByProduct, "inventory"},
        {topics::kOrdersByCustomer, "fraud"},
        {topics::kPaymentsByOrder, "email"},
        {topics::kEmails, "email"},
    };
    for (std::string_view level : kCustomerLevels) m.emplace(std::string(level), "email");
    return m;
  }();
  return writers;
}

// The topology's topics and its sub-topologies' services, built once. Its options change the
// stores, never a topic's or a sub-topology's name.
struct Owned {
  std::map<std::string, std::string, std::less<>> topics;  // topic -> writing service
  std::map<std::string, std::string, std::less<>> groups;  // consumer group -> service
};

const Owned& owned() {
  static const Owned o = [] {
    Owned out;
    stream::Topology t = make_ecosystem_topology({}, nullptr);
    for (const stream::TopicSpec& spec : t.topics) {
      auto w = topic_writers().find(spec.name);
      out.topics.emplace(spec.name, w != topic_writers().end() ? w->second : "orderstream");
    }
    for (const stream::SubTopology& sub : t.sub_topologies) out.groups.emplace(sub.name, sub.service);
    return out;
  }();
  return o;
}

std::string by(std::string_view owner) {
  bool several = owner.find(" and ") != std::string_view::npos;
  return std::string(owner) + (several ? " services" : " service");
}

}  // namespace

std::optional<std::string> topic_owner(std::string_view topic) {
  // Internal topics: the SQL engine's catalog (sql::kCatalogTopic, a layer above this one) and
  // whatever else the server keeps for itself.
  if (topic.substr(0, 5) == "__sql") return "sql";
  if (topic.substr(0, 2) == "__") return "orderstream";
  auto it = owned().topics.find(topic);
  if (it == owned().topics.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> group_owner(std::string_view group) {
  auto it = owned().groups.find(group);
  if (it == owned().groups.end()) return std::nullopt;
  return it->second;
}

std::string owned_topic_message(std::string_view topic, std::string_view owner) {
  return "topic " + std::string(topic) + " is written only by the " + by(owner) +
         " (the running server refuses writes to it)";
}

std::string owned_group_message(std::string_view group, std::string_view owner) {
  return "consumer group " + std::string(group) + " is committed only by the " + by(owner) +
         "'s stream tasks (the running server refuses writes to it)";
}

std::optional<std::string> topic_refusal(std::string_view topic) {
  auto owner = topic_owner(topic);
  if (!owner) return std::nullopt;
  return owned_topic_message(topic, *owner);
}

}  // namespace orderstream::services
