// Test fixture for the CLI: runs the real orderstream binary (OS_BINARY) against a temp data
// directory, feeding stdin and capturing stdout, stderr and the exit code. One owner thread.
#pragma once

#include <doctest/doctest.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "support/temp_dir.h"

extern char** environ;

namespace orderstream::test {

struct CliResult {
  int code = -1;  // exit code, or 128+signal
  std::string out;
  std::string err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void spit(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// Runs OS_BINARY with `args`, stdin from `input`; waits for it to exit.
inline CliResult run_binary(const std::vector<std::string>& args, const std::string& input,
                            const std::string& scratch_dir) {
  static int counter = 0;
  std::string stem = scratch_dir + "/run" + std::to_string(counter++);
  spit(stem + ".in", input);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, (stem + ".in").c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, (stem + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, (stem + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> argv{OS_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargs;
  for (auto& a : argv) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, OS_BINARY, &fa, nullptr, cargs.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  CliResult r;
  if (rc != 0) {
    r.err = std::string("posix_spawn: ") + std::strerror(rc);
    return r;
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  r.out = slurp(stem + ".out");
  r.err = slurp(stem + ".err");
  return r;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A temp dir with a data directory "data" inside (not created until a command creates it).
struct CliFixture {
  TempDir tmp{"os-cli"};
  std::string data_dir() const { return tmp.file("data"); }

  // Runs `orderstream --data-dir <data> args...`.
  CliResult run(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--data-dir", data_dir()});
    return run_binary(args, input, tmp.str());
  }
  // Runs without adding --data-dir.
  CliResult run_raw(const std::vector<std::string>& args, const std::string& input = "") {
    return run_binary(args, input, tmp.str());
  }
  // Creates a topic and requires success.
  void create_topic(const std::string& name, int partitions = 1,
                    std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"topics", "create", name, "--partitions",
                                  std::to_string(partitions)};
    args.insert(args.end(), extra.begin(), extra.end());
    CliResult r = run(args);
    REQUIRE_MESSAGE(r.code == 0, r.err);
  }
  // Produces `lines` and requires success.
  void produce(const std::string& topic, const std::string& lines,
               std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"produce", topic};
    args.insert(args.end(), extra.begin(), extra.end());
    CliResult r = run(args, lines);
    REQUIRE_MESSAGE(r.code == 0, r.err);
  }
  // `consume TOPIC --exit extra...`, requiring success; returns stdout.
  std::string consume_all(const std::string& topic, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"consume", topic, "--exit"};
    args.insert(args.end(), extra.begin(), extra.end());
    CliResult r = run(args);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    return r.out;
  }
};

}  // namespace orderstream::test
