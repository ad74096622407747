// serve --api-token: every route but GET /health needs `Authorization: Bearer TOKEN` (401 JSON
// otherwise); /metrics too unless --metrics-public; a server bound beyond loopback without a
// token refuses to start unless --allow-insecure; the CLI beside the server and `load` still work.
#include <filesystem>

#include "e2e/cli_run.h"
#include "e2e/server_fixture.h"

using namespace orderstream::test;

namespace {

constexpr const char* kToken = "correct-horse-battery-staple";

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

HttpResult with_token(uint16_t port, bhttp::verb verb, const std::string& target, const std::string& token,
                      const std::string& body = "") {
  HttpConnection c(port);
  c.extra_headers = {{"Authorization", "Bearer " + token}};
  return c.request(verb, target, body);
}

}  // namespace

TEST_SUITE("e2e api token") {
  TEST_CASE("without the token every route answers 401 JSON, with it the route answers") {
    ServerFixture s;
    s.start(2, {"--api-token", kToken});
    for (auto [verb, target] : {std::pair{bhttp::verb::get, "/v1/orders/o1?timeout=0"},
                                std::pair{bhttp::verb::post, "/v1/orders"},
                                std::pair{bhttp::verb::get, "/no/such/route"},
                                std::pair{bhttp::verb::get, "/metrics"},
                                std::pair{bhttp::verb::post, "/topics/clicks"},
                                std::pair{bhttp::verb::post, "/ksql"}}) {
      HttpResult r = http_request(s.port, verb, target, "{}");
      CHECK_MESSAGE(r.status == 401, target << ": " << r.status << " " << r.body);
      CHECK(has(r.body, "\"code\":\"Unauthenticated\""));
      CHECK(r.header("WWW-Authenticate") == "Bearer realm=\"orderstream\"");
    }
    // A wrong token of the same length, another scheme, or the token alone: all refused.
    std::string wrong(kToken);
    wrong.back() = 'X';
    CHECK(with_token(s.port, bhttp::verb::get, "/v1/orders/o1?timeout=0", wrong).status == 401);
    HttpConnection basic(s.port);
    basic.extra_headers = {{"Authorization", std::string("Basic ") + kToken}};
    CHECK(basic.request(bhttp::verb::get, "/v1/orders/o1?timeout=0").status == 401);

    CHECK(s.get("/health").status == 200);  // probes carry no credentials
    CHECK(with_token(s.port, bhttp::verb::get, "/v1/orders/o1?timeout=0", kToken).status == 504);
    CHECK(with_token(s.port, bhttp::verb::get, "/metrics", kToken).status == 200);
    HttpResult created = with_token(s.port, bhttp::verb::post, "/v1/orders", kToken,
                                    order_json("o1", 1, "JUMPERS", 1, 10.0));
    CHECK_MESSAGE(created.status == 201, created.body);
    HttpConnection lower(s.port);  // the scheme is case-insensitive (RFC 7235)
    lower.extra_headers = {{"Authorization", std::string("bearer ") + kToken}};
    CHECK(lower.request(bhttp::verb::get, "/v1/orders/o1?timeout=30000").status == 200);
  }

  TEST_CASE("--metrics-public serves /metrics without the token and nothing else") {
    ServerFixture s;
    s.start(1, {"--api-token", kToken, "--metrics-public"});
    CHECK(s.get("/metrics").status == 200);
    CHECK(s.get("/v1/orders/o1?timeout=0").status == 401);
  }

  TEST_CASE("the token can come from ORDERSTREAM_API_TOKEN") {
    TempDir dir{"os-e2e"};
    ChildProcess p({OS_BINARY, "serve", "--data-dir", dir.file("data"), "--port", "0", "--partitions", "1",
                    "--kafka-listener", "127.0.0.1:0"},
                   dir.str(), {std::string("ORDERSTREAM_API_TOKEN=") + kToken});
    auto line = p.wait_for_output_line("listening on http://", std::chrono::seconds(30));
    REQUIRE_MESSAGE(line.has_value(), p.stderr_text());
    auto port = static_cast<uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
    CHECK(http_request(port, bhttp::verb::get, "/v1/orders/o1?timeout=0").status == 401);
    CHECK(with_token(port, bhttp::verb::get, "/v1/orders/o1?timeout=0", kToken).status == 504);
  }

  TEST_CASE("a server bound beyond loopback without a token refuses to start, unless --allow-insecure") {
    TempDir dir{"os-e2e"};
    CliRun refused = run_cli(dir.str(), {"serve", "--data-dir", dir.file("data"), "--host", "0.0.0.0", "--port", "0"});
    CHECK(refused.code == 2);
    CHECK_MESSAGE(has(refused.err, "--api-token"), refused.err);
    CHECK_MESSAGE(has(refused.err, "--allow-insecure"), refused.err);
    CHECK_FALSE(std::filesystem::exists(dir.file("data")));  // refused before touching anything

    ChildProcess open({OS_BINARY, "serve", "--data-dir", dir.file("data"), "--host", "0.0.0.0", "--port", "0",
                       "--partitions", "1", "--kafka-listener", "127.0.0.1:0", "--allow-insecure"},
                      dir.str());
    REQUIRE_MESSAGE(open.wait_for_output_line("listening on http://", std::chrono::seconds(30)).has_value(),
                    open.stderr_text());
  }

  TEST_CASE("the CLI beside a server with a token goes through it, and load sends the token") {
    ServerFixture s;
    s.start(2, {"--api-token", kToken});
    // serve.json carries the token for the CLI on this host, readable by its owner only.
    auto perms = std::filesystem::status(s.data_dir() + "/serve.json").permissions();
    CHECK((perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) ==
          std::filesystem::perms::none);
    CliRun created = run_cli(s.dir.str(), {"topics", "create", "clicks", "--data-dir", s.data_dir()});
    CHECK_MESSAGE(created.code == 0, created.err);
    std::string url = "http://127.0.0.1:" + std::to_string(s.port);
    CliRun denied = run_cli(s.dir.str(), {"load", "--url", url, "--orders", "5", "--concurrency", "1"});
    CHECK(denied.code != 0);
    CHECK_MESSAGE(has(denied.out + denied.err, "401"), denied.out << denied.err);
    CliRun load = run_cli(s.dir.str(), {"load", "--url", url, "--orders", "5", "--concurrency", "1",
                                        "--stock", "100", "--api-token", kToken});
    CHECK_MESSAGE(load.code == 0, load.out << load.err);
  }
}
