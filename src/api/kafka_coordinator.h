// GroupCoordinator: Kafka's consumer groups for clients of the Kafka listener, in memory (as
// Kafka's coordinator keeps membership; only offsets are durable, in the log). A group moves
// Empty -> PreparingRebalance (members (re)join; done when all known members have, or at the
// rebalance timeout, dropping the rest) -> AwaitingSync (the leader, the first member, gets
// everyone's protocol metadata and sends the assignments) -> Stable. Members that stop
// heartbeating past their session timeout are removed and the group rebalances. Thread-safe:
// one mutex, handlers never wait on it for long; a timer on the io_context checks deadlines.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "kafka/describe_groups.h"
#include "kafka/group_membership.h"
#include "kafka/server.h"

namespace orderstream::api {

class GroupCoordinator : public std::enable_shared_from_this<GroupCoordinator> {
 public:
  static std::shared_ptr<GroupCoordinator> make(boost::asio::io_context& io);
  // client_id and client_host (from the request header) are what DescribeGroups shows.
  void join(const kafka::JoinGroupRequest& req, int16_t version, const kafka::RequestHeader& from, kafka::Reply reply);
  void sync(const kafka::SyncGroupRequest& req, int16_t version, kafka::Reply reply);
  int16_t heartbeat(const kafka::HeartbeatRequest& req);
  int16_t leave(const kafka::LeaveGroupRequest& req);
  // Whether (generation, member) may commit `group`'s offsets: kNone, or the Kafka error.
  int16_t check_commit(const std::string& group, int32_t generation, const std::string& member);
  // Members of a group now (for tests and metrics).
  size_t members(const std::string& group);
  // Every group that has had a member since start, with its protocol type (ListGroups).
  std::vector<std::pair<std::string, std::string>> groups();
  // A group as DescribeGroups reports it (state, protocol, members; metadata and assignments
  // only while Stable, as Kafka's coordinator), nullopt if no member ever joined it.
  std::optional<kafka::DescribedGroup> describe(const std::string& group);
  void stop();

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    int16_t version;
    kafka::Reply reply;
  };
  struct Member {
    std::string id;
    std::optional<std::string> instance_id;
    std::string client_id, client_host;
    int32_t session_ms = 10000;
    int32_t rebalance_ms = 10000;
    std::vector<kafka::JoinProtocol> protocols;
    std::optional<Pending> join;  // waiting for the rebalance to complete
    std::optional<Pending> sync;  // waiting for the leader's assignments
    std::string assignment;
    Clock::time_point last_seen;
  };
  enum class State { kEmpty, kPreparing, kAwaitingSync, kStable };
  struct Group {
    State state = State::kEmpty;
    int32_t generation = 0;
    std::string protocol_type, protocol, leader;
    std::map<std::string, Member> members;
    Clock::time_point rebalance_deadline;
  };

  explicit GroupCoordinator(boost::asio::io_context& io) : timer_(io) {}
  void tick();
  // REQUIRES mu_.
  void start_rebalance(Group& g);
  void complete_join(Group& g, bool deadline_passed);

  std::mutex mu_;
  std::map<std::string, Group> groups_;  // GUARDED_BY(mu_)
  uint64_t next_member_ = 0;              // GUARDED_BY(mu_)
  bool stopped_ = false;                  // GUARDED_BY(mu_)
  boost::asio::steady_timer timer_;
};

}  // namespace orderstream::api
