#include "api/kafka_coordinator.h"

#include <algorithm>

#include "kafka/protocol.h"

namespace orderstream::api {

namespace {

constexpr int16_t kIllegalGeneration = 22;
constexpr int16_t kInconsistentGroupProtocol = 23;
constexpr int16_t kRebalanceInProgress = 27;
constexpr auto kTick = std::chrono::milliseconds(200);

}  // namespace

std::shared_ptr<GroupCoordinator> GroupCoordinator::make(boost::asio::io_context& io) {
  std::shared_ptr<GroupCoordinator> c(new GroupCoordinator(io));
  c->tick();
  return c;
}

void GroupCoordinator::stop() {
  std::lock_guard lock(mu_);
  stopped_ = true;
  timer_.cancel();
}

// REQUIRES mu_ held, or no other thread yet (make()).
void GroupCoordinator::tick() {
  timer_.expires_after(kTick);
  timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    {
      std::lock_guard lock(self->mu_);
      if (self->stopped_) return;
      auto now = Clock::now();
      for (auto& [id, g] : self->groups_) {
        if (g.state == State::kPreparing && now >= g.rebalance_deadline) {
          self->complete_join(g, true);
          continue;
        }
        if (g.state != State::kStable && g.state != State::kAwaitingSync) continue;
        bool expired = false;
        for (auto it = g.members.begin(); it != g.members.end();) {
          if (now - it->second.last_seen > std::chrono::milliseconds(it->second.session_ms)) {
            it = g.members.erase(it);
            expired = true;
          } else {
            ++it;
          }
        }
        if (expired) self->start_rebalance(g);
      }
      // Re-armed under the lock: stop() cancels the timer under it from another thread.
      self->tick();
    }
  });
}

void GroupCoordinator::start_rebalance(Group& g) {
  if (g.members.empty()) {
    g.state = State::kEmpty;
    return;
  }
  g.state = State::kPreparing;
  int32_t longest = 0;
  for (auto& [id, m] : g.members) {
    longest = std::max(longest, m.rebalance_ms);
    // A member waiting for its assignment must rejoin first.
    if (m.sync) {
      m.sync->reply(kafka::encode_sync_group_response(m.sync->version, kRebalanceInProgress, ""));
      m.sync.reset();
    }
  }
  g.rebalance_deadline = Clock::now() + std::chrono::milliseconds(longest);
  complete_join(g, false);
}

void GroupCoordinator::complete_join(Group& g, bool deadline_passed) {
  for (const auto& [id, m] : g.members)
    if (!m.join && !deadline_passed) return;  // still waiting for someone
  for (auto it = g.members.begin(); it != g.members.end();) it = it->second.join ? std::next(it) : g.members.erase(it);
  if (g.members.empty()) {
    g.state = State::kEmpty;
    return;
  }
  if (!g.members.count(g.leader)) g.leader = g.members.begin()->first;
  // The first of the leader's protocols that every member speaks.
  std::string chosen;
  for (const kafka::JoinProtocol& p : g.members.at(g.leader).protocols) {
    bool everyone = std::all_of(g.members.begin(), g.members.end(), [&](const auto& kv) {
      return std::any_of(kv.second.protocols.begin(), kv.second.protocols.end(),
                         [&](const kafka::JoinProtocol& q) { return q.name == p.name; });
    });
    if (everyone) {
      chosen = p.name;
      break;
    }
  }
  ++g.generation;
  g.protocol = chosen;
  g.state = chosen.empty() ? State::kEmpty : State::kAwaitingSync;
  for (auto& [id, m] : g.members) {
    kafka::JoinGroupResponse r;
    r.error_code = chosen.empty() ? kInconsistentGroupProtocol : kafka::errors::kNone;
    r.generation_id = g.generation;
    r.protocol_name = chosen;
    r.leader = g.leader;
    r.member_id = id;
    if (id == g.leader && !chosen.empty())
      for (const auto& [other_id, other] : g.members)
        for (const kafka::JoinProtocol& p : other.protocols)
          if (p.name == chosen) r.members.push_back({other_id, p.metadata});
    m.join->reply(kafka::encode_join_group_response(m.join->version, r));
    m.join.reset();
    m.last_seen = Clock::now();
  }
  if (chosen.empty()) g.members.clear();
}

void GroupCoordinator::join(const kafka::JoinGroupRequest& req, int16_t version, const kafka::RequestHeader& from,
                            kafka::Reply reply) {
  std::lock_guard lock(mu_);
  std::string id = req.member_id;
  if (!id.empty()) {
    // Looked up without creating: a refused join leaves no group behind for ListGroups to show.
    auto known = groups_.find(req.group_id);
    if (known == groups_.end() || !known->second.members.count(id)) {
      kafka::JoinGroupResponse r;
      r.error_code = kafka::errors::kUnknownMemberId;
      return reply(kafka::encode_join_group_response(version, r));
    }
  } else {
    id = "member-" + std::to_string(++next_member_);
  }
  Group& g = groups_[req.group_id];
  g.protocol_type = req.protocol_type;
  Member& m = g.members[id];
  m.id = id;
  m.instance_id = req.group_instance_id;
  m.client_id = from.client_id.value_or("");
  m.client_host = from.client_host;
  m.session_ms = std::clamp(req.session_timeout_ms, 1000, 300000);
  m.rebalance_ms = std::clamp(req.rebalance_timeout_ms, 1000, 300000);
  m.protocols = req.protocols;
  m.last_seen = Clock::now();
  if (m.join) m.join->reply(std::nullopt);  // a duplicate join: the older request is dropped
  m.join = Pending{version, std::move(reply)};
  if (g.state != State::kPreparing) return start_rebalance(g);
  complete_join(g, false);
}

void GroupCoordinator::sync(const kafka::SyncGroupRequest& req, int16_t version, kafka::Reply reply) {
  std::lock_guard lock(mu_);
  auto git = groups_.find(req.group_id);
  auto answer = [&](int16_t code, std::string_view assignment = "") {
    reply(kafka::encode_sync_group_response(version, code, assignment));
  };
  if (git == groups_.end() || !git->second.members.count(req.member_id)) return answer(kafka::errors::kUnknownMemberId);
  Group& g = git->second;
  if (req.generation_id != g.generation) return answer(kIllegalGeneration);
  if (g.state == State::kPreparing) return answer(kRebalanceInProgress);
  Member& m = g.members.at(req.member_id);
  m.last_seen = Clock::now();
  if (g.state == State::kStable) return answer(kafka::errors::kNone, m.assignment);
  if (req.member_id != g.leader) {
    m.sync = Pending{version, std::move(reply)};
    return;
  }
  for (auto& [id, member] : g.members) member.assignment.clear();
  for (const auto& [id, bytes] : req.assignments)
    if (auto it = g.members.find(id); it != g.members.end()) it->second.assignment = bytes;
  g.state = State::kStable;
  for (auto& [id, member] : g.members)
    if (member.sync) {
      member.sync->reply(kafka::encode_sync_group_response(member.sync->version, kafka::errors::kNone, member.assignment));
      member.sync.reset();
    }
  answer(kafka::errors::kNone, m.assignment);
}

int16_t GroupCoordinator::heartbeat(const kafka::HeartbeatRequest& req) {
  std::lock_guard lock(mu_);
  auto git = groups_.find(req.group_id);
  if (git == groups_.end() || !git->second.members.count(req.member_id)) return kafka::errors::kUnknownMemberId;
  Group& g = git->second;
  if (req.generation_id != g.generation) return kIllegalGeneration;
  g.members.at(req.member_id).last_seen = Clock::now();
  return g.state == State::kPreparing ? kRebalanceInProgress : kafka::errors::kNone;
}

int16_t GroupCoordinator::leave(const kafka::LeaveGroupRequest& req) {
  std::lock_guard lock(mu_);
  auto git = groups_.find(req.group_id);
  if (git == groups_.end()) return kafka::errors::kUnknownMemberId;
  Group& g = git->second;
  bool left = false;
  for (const std::string& id : req.member_ids) {
    auto it = g.members.find(id);
    if (it == g.members.end()) continue;
    if (it->second.join) it->second.join->reply(std::nullopt);
    if (it->second.sync) it->second.sync->reply(std::nullopt);
    g.members.erase(it);
    left = true;
  }
  if (!left) return kafka::errors::kUnknownMemberId;
  if (g.state == State::kPreparing) complete_join(g, false);
  else start_rebalance(g);
  return kafka::errors::kNone;
}

int16_t GroupCoordinator::check_commit(const std::string& group, int32_t generation, const std::string& member) {
  std::lock_guard lock(mu_);
  auto git = groups_.find(group);
  bool empty = git == groups_.end() || git->second.members.empty();
  if (empty) return generation < 0 ? kafka::errors::kNone : kIllegalGeneration;
  const Group& g = git->second;
  if (!g.members.count(member)) return kafka::errors::kUnknownMemberId;
  if (generation != g.generation) return kIllegalGeneration;
  if (g.state == State::kPreparing) return kRebalanceInProgress;
  return kafka::errors::kNone;
}

size_t GroupCoordinator::members(const std::string& group) {
  std::lock_guard lock(mu_);
  auto git = groups_.find(group);
  return git == groups_.end() ? 0 : git->second.members.size();
}

std::vector<std::pair<std::string, std::string>> GroupCoordinator::groups() {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [id, g] : groups_) out.emplace_back(id, g.protocol_type);
  return out;
}

std::optional<kafka::DescribedGroup> GroupCoordinator::describe(const std::string& group) {
  std::lock_guard lock(mu_);
  auto git = groups_.find(group);
  if (git == groups_.end()) return std::nullopt;
  const Group& g = git->second;
  kafka::DescribedGroup d;
  d.group_id = group;
  d.protocol_type = g.protocol_type;
  switch (g.state) {
    case State::kEmpty: d.state = kafka::kGroupEmpty; break;
    case State::kPreparing: d.state = kafka::kGroupPreparingRebalance; break;
    case State::kAwaitingSync: d.state = kafka::kGroupCompletingRebalance; break;
    case State::kStable: d.state = kafka::kGroupStable; break;
  }
  bool stable = g.state == State::kStable;
  if (stable) d.protocol_data = g.protocol;
  for (const auto& [id, m] : g.members) {
    kafka::DescribedMember& dm = d.members.emplace_back();
    dm.member_id = id;
    dm.group_instance_id = m.instance_id;
    dm.client_id = m.client_id;
    dm.client_host = m.client_host;
    if (!stable) continue;  // before the leader's sync, what a member holds is not settled
    for (const kafka::JoinProtocol& p : m.protocols)
      if (p.name == g.protocol) dm.metadata = p.metadata;
    dm.assignment = m.assignment;
  }
  return d;
}

}  // namespace orderstream::api
