// RAII unique temporary directory under /tmp for one test. Removed (recursively) on destruction
// unless the environment variable OS_KEEP_TMP is set. Not thread-safe; one owner.
#pragma once

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace orderstream::test {

class TempDir {
 public:
  // Creates /tmp/<prefix>-XXXXXX. Throws std::runtime_error if mkdtemp fails (tests only).
  explicit TempDir(const std::string& prefix = "os-test") {
    std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + tmpl);
    path_ = tmpl;
  }
  ~TempDir() {
    if (std::getenv("OS_KEEP_TMP") != nullptr) {
      std::fprintf(stderr, "keeping temp dir %s\n", path_.c_str());
      return;
    }
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  // path()/name as a string.
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace orderstream::test
