#include "support/process.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "support/check_ok.h"
#include "support/temp_dir.h"
#include "support/wait.h"

namespace orderstream::test {
namespace {

using namespace std::chrono_literals;

TEST_SUITE("test_support") {
  TEST_CASE("a temp dir exists while its owner lives and is removed afterwards") {
    std::filesystem::path p;
    {
      TempDir dir("os-support");
      p = dir.path();
      CHECK(std::filesystem::is_directory(p));
      std::ofstream(dir.file("x")) << "data";
      CHECK(std::filesystem::exists(p / "x"));
    }
    if (std::getenv("OS_KEEP_TMP") == nullptr) CHECK(!std::filesystem::exists(p));
  }

  TEST_CASE("wait_until returns as soon as the predicate holds, and false at the deadline") {
    int calls = 0;
    CHECK(wait_until([&] { return ++calls >= 3; }, 5000ms));
    CHECK(calls == 3);
    CHECK_FALSE(wait_until([] { return false; }, 20ms));
  }

  TEST_CASE("a child process's output lines and exit code can be waited for") {
    TempDir dir("os-support");
    ChildProcess child({"/bin/sh", "-c", "echo hello world; echo oops >&2; exit 7"}, dir.str());
    CHECK(child.wait_for_output_line("hello", 10000ms) ==
          std::optional<std::string>("hello world"));
    CHECK(child.wait_for_output_line(std::regex("^oo+ps$"), 10000ms, ChildProcess::Stream::kStderr)
              .has_value());
    CHECK(child.wait_exit(10000ms) == std::optional<int>(7));
    CHECK(ChildProcess::read_file(child.stdout_path()) == "hello world\n");
  }

  TEST_CASE("a killed child reports 128 plus the signal") {
    TempDir dir("os-support");
    ChildProcess child({"sleep", "30"}, dir.str());
    CHECK(child.running());
    child.kill(SIGTERM);
    CHECK(child.wait_exit(10000ms) == std::optional<int>(128 + SIGTERM));
    CHECK_FALSE(child.running());
  }

  TEST_CASE("CHECK_OK accepts OK statuses and results") {
    Status st;
    CHECK_OK(st);
    Result<std::string> r(std::string("x"));
    CHECK_OK(r);
  }
}

}  // namespace
}  // namespace orderstream::test
