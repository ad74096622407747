// The round-robin assignor of the REST Proxy's consumer groups: every subscribed partition goes to
// exactly one member subscribed to its topic, shares are even, and joins and leaves re-deal.
#include "api/group_assignment.h"

#include <doctest/doctest.h>

namespace orderstream::api {

namespace {

using Assignment = std::map<std::string, std::vector<TpKey>>;

// Every partition of every topic some member subscribed to is held by exactly one member, and
// that member is subscribed to its topic.
void check_complete_and_disjoint(const Subscriptions& subs, const std::map<std::string, int32_t>& counts,
                                 const Assignment& a) {
  CHECK(a.size() == subs.size());
  std::map<TpKey, std::string> owner;
  for (const auto& [member, parts] : a)
    for (const TpKey& tp : parts) {
      CHECK_MESSAGE(owner.emplace(tp, member).second, tp.first << "-" << tp.second << " assigned twice");
      CHECK_MESSAGE(subs.at(member).count(tp.first), member << " got " << tp.first << " without subscribing");
    }
  size_t expected = 0;
  std::set<std::string> topics;
  for (const auto& [member, ts] : subs) topics.insert(ts.begin(), ts.end());
  for (const std::string& t : topics) expected += counts.count(t) ? counts.at(t) : 0;
  CHECK(owner.size() == expected);
}

std::vector<TpKey> parts(const std::string& topic, std::initializer_list<int32_t> ps) {
  std::vector<TpKey> out;
  for (int32_t p : ps) out.emplace_back(topic, p);
  return out;
}

}  // namespace

TEST_CASE("group assignment: two members split four partitions two and two") {
  Subscriptions subs{{"a", {"t"}}, {"b", {"t"}}};
  std::map<std::string, int32_t> counts{{"t", 4}};
  auto a = assign_round_robin(subs, counts);
  check_complete_and_disjoint(subs, counts, a);
  CHECK(a["a"] == parts("t", {0, 2}));
  CHECK(a["b"] == parts("t", {1, 3}));
  // Deterministic: the same inputs give the same answer.
  CHECK(assign_round_robin(subs, counts) == a);
}

TEST_CASE("group assignment: a third member joins and takes a share") {
  Subscriptions subs{{"a", {"t"}}, {"b", {"t"}}, {"c", {"t"}}};
  std::map<std::string, int32_t> counts{{"t", 4}};
  auto a = assign_round_robin(subs, counts);
  check_complete_and_disjoint(subs, counts, a);
  CHECK(a["a"] == parts("t", {0, 3}));
  CHECK(a["b"] == parts("t", {1}));
  CHECK(a["c"] == parts("t", {2}));
}

TEST_CASE("group assignment: a member that leaves hands its partitions to the others") {
  Subscriptions subs{{"a", {"t"}}, {"b", {"t"}}, {"c", {"t"}}};
  std::map<std::string, int32_t> counts{{"t", 6}};
  check_complete_and_disjoint(subs, counts, assign_round_robin(subs, counts));
  subs.erase("b");
  auto a = assign_round_robin(subs, counts);
  check_complete_and_disjoint(subs, counts, a);
  CHECK(a["a"].size() == 3);
  CHECK(a["c"].size() == 3);
  subs.erase("c");
  CHECK(assign_round_robin(subs, counts)["a"] == parts("t", {0, 1, 2, 3, 4, 5}));
}

TEST_CASE("group assignment: members subscribed to different topics get only their topics") {
  Subscriptions subs{{"a", {"x"}}, {"b", {"x", "y"}}, {"c", {"y"}}};
  std::map<std::string, int32_t> counts{{"x", 3}, {"y", 3}};
  auto a = assign_round_robin(subs, counts);
  check_complete_and_disjoint(subs, counts, a);
  // One cursor circles a, b, c across x-0..2 then y-0..2, skipping who is not subscribed.
  CHECK(a["a"] == parts("x", {0, 2}));
  CHECK(a["b"] == std::vector<TpKey>{{"x", 1}, {"y", 0}, {"y", 2}});
  CHECK(a["c"] == parts("y", {1}));
}

TEST_CASE("group assignment: members without subscriptions or topics without partitions get nothing") {
  Subscriptions subs{{"idle", {}}, {"m", {"gone", "t"}}};
  std::map<std::string, int32_t> counts{{"gone", 0}, {"t", 2}};
  auto a = assign_round_robin(subs, counts);
  check_complete_and_disjoint(subs, counts, a);
  CHECK(a["idle"].empty());
  CHECK(a["m"] == parts("t", {0, 1}));
  CHECK(assign_round_robin({}, counts).empty());
}

TEST_CASE("group assignment: never twice and never left out, for many shapes") {
  const std::vector<std::string> topics{"p", "q", "r"};
  for (int members = 1; members <= 5; ++members)
    for (int32_t n = 0; n <= 7; ++n)
      for (int mask_seed = 0; mask_seed < 8; ++mask_seed) {
        Subscriptions subs;
        for (int m = 0; m < members; ++m) {
          int mask = (mask_seed + m) % 8;  // which of the three topics member m subscribes to
          for (int t = 0; t < 3; ++t)
            if (mask & (1 << t)) subs["m" + std::to_string(m)].insert(topics[t]);
          subs["m" + std::to_string(m)];  // a member with no topics is still a member
        }
        std::map<std::string, int32_t> counts{{"p", n}, {"q", n + 1}, {"r", 2 * n}};
        CAPTURE(members);
        CAPTURE(n);
        CAPTURE(mask_seed);
        check_complete_and_disjoint(subs, counts, assign_round_robin(subs, counts));
      }
}

}  // namespace orderstream::api
