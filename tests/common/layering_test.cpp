// The layers depend downward only. The transports are the strictest: src/http and src/kafka
// include nothing above common/ (what a request means lives in src/api). Checked on the sources
// themselves, so a stray include fails the tests.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

// Every `#include "X/..."` line of src/<layer> whose X is in `above`, as "file: line".
std::vector<std::string> upward_includes(const std::string& layer, const std::vector<std::string>& above, int* files) {
  namespace fs = std::filesystem;
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(fs::path(OS_SOURCE_DIR) / "src" / layer)) {
    if (entry.path().extension() != ".h" && entry.path().extension() != ".cpp") continue;
    ++*files;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("#include \"", 0) != 0) continue;
      for (const std::string& a : above)
        if (line.find("\"" + a + "/") != std::string::npos) found.push_back(entry.path().filename().string() + ": " + line);
    }
  }
  return found;
}

}  // namespace

TEST_SUITE("layering") {
  TEST_CASE("the transports src/http and src/kafka include nothing above common") {
    const std::vector<std::string> above{"api", "cli", "sql", "services", "stream", "log"};
    for (const char* layer : {"http", "kafka"}) {
      CAPTURE(layer);
      int files = 0;
      std::vector<std::string> other = above;
      other.push_back(std::string(layer) == "http" ? "kafka" : "http");
      for (const std::string& bad : upward_includes(layer, other, &files)) FAIL_CHECK(bad);
      CHECK(files >= 8);
    }
  }

  TEST_CASE("the Kafka cluster client src/cluster includes nothing above stream") {
    int files = 0;
    for (const std::string& bad : upward_includes("cluster", {"api", "cli", "sql", "services", "http", "kafka"}, &files))
      FAIL_CHECK(bad);
    CHECK(files >= 6);
  }
}
