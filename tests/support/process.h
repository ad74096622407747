// ChildProcess: spawns a program for integration tests with stdout and stderr captured to files,
// and waits on its output or exit with deadlines. One owner thread per object.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>
// GCC 12 reports false -Wmaybe-uninitialized inside <regex> when built with sanitizers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <regex>
#pragma GCC diagnostic pop
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/wait.h"

extern char** environ;

namespace orderstream::test {

class ChildProcess {
 public:
  enum class Stream { kStdout, kStderr };

  // Spawns argv (argv[0] is looked up in PATH if it has no slash) with stdout and stderr written
  // to <out_dir>/<name>.stdout and .stderr, where name is basename(argv[0]) plus a counter.
  // extra_env entries ("K=V") are added to the inherited environment. Throws std::runtime_error
  // if the spawn fails (tests only).
  ChildProcess(const std::vector<std::string>& argv, const std::string& out_dir,
               const std::vector<std::string>& extra_env = {}) {
    if (argv.empty()) throw std::runtime_error("ChildProcess: empty argv");
    static std::atomic<int> counter{0};
    std::string base = argv[0].substr(argv[0].find_last_of('/') + 1);
    std::string stem = out_dir + "/" + base + "." + std::to_string(counter++);
    stdout_path_ = stem + ".stdout";
    stderr_path_ = stem + ".stderr";

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, stdout_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&fa, 2, stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<char*> env;
    for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
    for (const auto& e : extra_env) env.push_back(const_cast<char*>(e.c_str()));
    env.push_back(nullptr);
    int rc = ::posix_spawnp(&pid_, args[0], &fa, nullptr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
      pid_ = -1;
      throw std::runtime_error("posix_spawn " + argv[0] + ": " + std::strerror(rc));
    }
  }

  // Kills with SIGKILL and reaps if still running.
  ~ChildProcess() {
    if (running()) {
      kill(SIGKILL);
      (void)wait_exit(std::chrono::milliseconds(10000));
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& stdout_path() const { return stdout_path_; }
  const std::string& stderr_path() const { return stderr_path_; }
  std::string stdout_text() const { return read_file(stdout_path_); }
  std::string stderr_text() const { return read_file(stderr_path_); }

  // True until the child has exited and been reaped by wait_exit().
  bool running() {
    poll_exit();
    return pid_ > 0 && !exit_code_.has_value();
  }

  // Waits until a complete line of the captured stream contains `substring` (or, in the regex
  // overload, matches `re` with regex_search). Returns that line, or nullopt at the deadline.
  std::optional<std::string> wait_for_output_line(const std::string& substring,
                                                  std::chrono::milliseconds deadline,
                                                  Stream stream = Stream::kStdout) const {
    return wait_line([&](const std::string& l) { return l.find(substring) != std::string::npos; },
                     deadline, stream);
  }
  std::optional<std::string> wait_for_output_line(const std::regex& re,
                                                  std::chrono::milliseconds deadline,
                                                  Stream stream = Stream::kStdout) const {
    return wait_line([&](const std::string& l) { return std::regex_search(l, re); }, deadline,
                     stream);
  }

  // Sends `sig` if the child has not been reaped.
  void kill(int sig = SIGTERM) {
    if (pid_ > 0 && !exit_code_.has_value()) ::kill(pid_, sig);
  }

  // The exit code, or 128+signal if a signal ended it; nullopt if still running at the deadline.
  std::optional<int> wait_exit(std::chrono::milliseconds deadline) {
    wait_until([&] { return poll_exit(); }, deadline);
    return exit_code_;
  }

  // The whole file, or "" if it cannot be read.
  static std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  template <class Pred>
  std::optional<std::string> wait_line(Pred pred, std::chrono::milliseconds deadline,
                                       Stream stream) const {
    const std::string& path = stream == Stream::kStdout ? stdout_path_ : stderr_path_;
    std::optional<std::string> found;
    wait_until(
        [&] {
          std::string text = read_file(path);
          size_t start = 0;
          for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
            std::string line = text.substr(start, nl - start);
            if (pred(line)) {
              found = line;
              return true;
            }
          }
          return false;
        },
        deadline);
    return found;
  }

  // Reaps without blocking; true once the exit code is known.
  bool poll_exit() {
    if (exit_code_.has_value()) return true;
    if (pid_ <= 0) return false;
    int st = 0;
    pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      exit_code_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      return true;
    }
    return false;
  }

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string stdout_path_;
  std::string stderr_path_;
};

}  // namespace orderstream::test
