// `orderstream load` against a live server, and `reset-service` replaying a service's inputs.
#include <sys/wait.h>

#include <cstdio>

#include "e2e/cli_run.h"
#include "e2e/server_fixture.h"
#include "support/wait.h"

using namespace orderstream::test;

TEST_SUITE("e2e service commands") {
  TEST_CASE("load posts orders, waits for each and reports them, and reset-service replays inventory") {
    ServerFixture s;
    s.start(2);
    std::string url = "http://127.0.0.1:" + std::to_string(s.port);
    CliRun load = run_cli(s.dir.str(), {"load", "--url", url, "--orders", "40", "--concurrency", "4",
                           "--stock", "1000", "--products", "JUMPERS", "--seed", "7"});
    CHECK_MESSAGE(load.code == 0, load.err);
    CHECK(load.out.find("final states: VALIDATED=40") != std::string::npos);
    CHECK(load.out.find("POST /v1/orders: 201=40") != std::string::npos);
    CHECK(load.out.find("GET /validated: 200=40") != std::string::npos);
    CHECK(load.out.find("p99") != std::string::npos);
    REQUIRE(wait_until([&] { return s.get("/v1/inventory/JUMPERS").body.find("\"reserved\":40}") != std::string::npos; },
                       std::chrono::seconds(30)));

    CliRun bad_url = run_cli(s.dir.str(), {"load", "--url", "localhost"});
    CHECK(bad_url.code == 1);
    CHECK(bad_url.err.find("--url must look like") != std::string::npos);

    // A reset needs the data directory to itself.
    CliRun busy = run_cli(s.dir.str(), {"reset-service", "inventory", "--execute", "--data-dir", s.data_dir()});
    CHECK(busy.code == 1);
    CHECK(busy.err.find("in use by another writer") != std::string::npos);
    REQUIRE(s.stop() == 0);

    CliRun dry = run_cli(s.dir.str(), {"reset-service", "inventory", "--data-dir", s.data_dir()});
    CHECK(dry.code == 0);
    CHECK(dry.out.find("orders-by-product -> earliest") != std::string::npos);
    CHECK(dry.out.find("dry run") != std::string::npos);
    CliRun unknown = run_cli(s.dir.str(), {"reset-service", "shipping", "--data-dir", s.data_dir()});
    CHECK(unknown.code == 1);
    CHECK(unknown.err.find("no service named 'shipping'") != std::string::npos);
    CliRun exec = run_cli(s.dir.str(), {"reset-service", "inventory", "--execute", "--data-dir", s.data_dir()});
    CHECK_MESSAGE(exec.code == 0, exec.err);

    // The wiped inventory task recomputes stock and reservations from its inputs, once.
    s.start(2);
    CHECK(wait_until([&] { return s.get("/v1/inventory/JUMPERS").body == "{\"product\":\"JUMPERS\",\"stock\":1000,\"reserved\":40}"; },
                     std::chrono::seconds(60)));
  }
}
