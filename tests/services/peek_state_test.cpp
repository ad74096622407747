#include "services/json_codec.h"

#include <doctest/doctest.h>

namespace orderstream::services {
namespace {

TEST_SUITE("services peek state") {
  TEST_CASE("peek_order_state reads the state of an encoded order without decoding it") {
    for (OrderState s : {OrderState::kCreated, OrderState::kValidated, OrderState::kFailed,
                         OrderState::kShipped}) {
      Order o{"o-1", 7, s, Product::kJumpers, 2, 3.5};
      CHECK(peek_order_state(to_json(o)) == s);
    }
  }

  TEST_CASE("peek_order_state gives up whenever the text is not plain, so the full decode decides") {
    CHECK(peek_order_state("") == std::nullopt);
    CHECK(peek_order_state("{\"id\":\"x\"}") == std::nullopt);
    CHECK(peek_order_state("{\"state\":\"NEW\"}") == std::nullopt);  // unknown value
    CHECK(peek_order_state("{\"state\":\"CREATED") == std::nullopt);  // cut short
    CHECK(peek_order_state("{\"state\": \"FAILED\"}") == std::nullopt);  // not our encoding
    // Two state members: which one counts is the decoder's business.
    CHECK(peek_order_state("{\"state\":\"FAILED\",\"state\":\"CREATED\"}") == std::nullopt);
  }

  TEST_CASE("an id that spells a state member cannot fool peek_order_state") {
    // Inside a string every quote is escaped, so the id's text never matches the pattern.
    Order o{"\"state\":\"FAILED\"", 7, OrderState::kCreated, Product::kJumpers, 1, 1.0};
    std::string json = to_json(o);
    CHECK(peek_order_state(json) == OrderState::kCreated);
    CHECK(order_from_json(json, true)->state == OrderState::kCreated);
  }
}

}  // namespace
}  // namespace orderstream::services
