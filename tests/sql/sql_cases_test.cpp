#include "sql_case_runner.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <vector>

TEST_SUITE("sql") {

TEST_CASE("every SQL case file in tests/sql/cases passes") {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(OS_SOURCE_DIR "/tests/sql/cases"))
    if (e.path().extension() == ".sql") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 4);
  for (const std::string& f : files) {
    CAPTURE(f);
    orderstream::test::run_sql_case(f);
  }
}

}  // TEST_SUITE
