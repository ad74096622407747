// src/http is a pure HTTP server: no file of it may include a layer above common/ (the routes
// live in src/api). Checked on the sources themselves, so a stray include fails the build's tests.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

TEST_SUITE("http layering") {
  TEST_CASE("src/http includes nothing of api, cli, sql, services, stream or log") {
    namespace fs = std::filesystem;
    int files = 0;
    for (const auto& entry : fs::directory_iterator(fs::path(OS_SOURCE_DIR) / "src" / "http")) {
      if (entry.path().extension() != ".h" && entry.path().extension() != ".cpp") continue;
      ++files;
      std::ifstream in(entry.path());
      int line_no = 0;
      for (std::string line; std::getline(in, line);) {
        ++line_no;
        if (line.rfind("#include \"", 0) != 0) continue;
        for (const char* above : {"api/", "cli/", "sql/", "services/", "stream/", "log/"})
          CHECK_MESSAGE(line.find(std::string("\"") + above) == std::string::npos,
                        entry.path().filename().string() << ":" << line_no << ": " << line);
      }
    }
    CHECK(files > 10);
  }
}
