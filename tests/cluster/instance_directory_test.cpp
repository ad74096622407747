// The instance directory's record value: what an instance owns, as it publishes it and as every
// other instance reads it back; values it did not write are refused, naming what is wrong.
#include <doctest/doctest.h>

#include "cluster/instance_directory.h"
#include "support/check_ok.h"

using namespace orderstream;
using namespace orderstream::cluster;

TEST_SUITE("cluster") {
  TEST_CASE("an instance's entry reads back as it was published") {
    InstanceInfo info{"a", "http://10.0.0.7:8080", {{"orders-view", {0, 3}}, {"inventory", {}}, {"fraud", {12}}}};
    std::string value = encode_instance(info);
    auto back = decode_instance("a", value);
    REQUIRE_OK(back);
    CHECK(*back == info);
    CHECK(value.rfind("url=http://10.0.0.7:8080\n", 0) == 0);
  }

  TEST_CASE("an instance entry that is not the directory's own is refused") {
    for (std::string bad : {"", "inventory=1\n", "url=http://x\nfraud=1,x\n", "url=http://x\nfraud=-1\n",
                            "url=http://x\nno equals sign\n", "url=http://x\n=1\n"}) {
      auto r = decode_instance("b", bad);
      CHECK_MESSAGE(r.status().code() == StatusCode::kInvalidArgument, bad);
      CHECK(r.status().message().find("instance 'b'") != std::string::npos);
    }
  }
}
