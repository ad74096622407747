// The README's command blocks, run top to bottom as a newcomer would paste them, against the real
// binary, so the README cannot rot. Every ```sh block runs unless the line just before it is
// `<!-- readme-test: skip (why) -->` (the blocks that build, start the server or never end). The
// test plays the reader: a fresh directory with bin/orderstream and ./data, a server started
// there, and localhost:8080 / 127.0.0.1:8080 rewritten to its port (localhost:9092 to its Kafka
// listener's). Each command must exit 0; a
// `# => TEXT` line after a command is an expectation: its output (stdout and stderr) must contain
// TEXT, where `...` in TEXT stands for anything.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "e2e/server_fixture.h"

namespace orderstream::test {

namespace {

struct Command {
  int line = 0;  // in README.md, for the failure message
  std::string text;
  std::vector<std::string> expect;  // the `# =>` lines after it
};

// True when `line` ends a command: no quote left open and no trailing backslash. *quote carries
// an open quote (' or ") over to the next line; a `#` after whitespace outside quotes ends the
// scan (a comment, whose apostrophes mean nothing).
bool command_ends(const std::string& line, char* quote) {
  bool escaped = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (*quote == '\'') {
      if (c == '\'') *quote = 0;
    } else if (escaped) {
      escaped = false;
    } else if (c == '\\') {
      escaped = true;
    } else if (*quote == '"') {
      if (c == '"') *quote = 0;
    } else if (c == '\'' || c == '"') {
      *quote = c;
    } else if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return true;
    }
  }
  return *quote == 0 && !escaped;
}

// How a line changes the nesting of shell compounds: +1 for each of for, while, until, if and case
// that starts a command on it, -1 for each done, fi and esac (words after `;` or at the start).
int compound_depth(const std::string& line) {
  int d = 0;
  std::istringstream words(line);
  bool command_start = true;
  for (std::string w; words >> w;) {
    if (w[0] == '#') break;
    bool ends = w.back() == ';';
    if (ends) w.pop_back();
    if (command_start) {
      if (w == "for" || w == "while" || w == "until" || w == "if" || w == "case") ++d;
      if (w == "done" || w == "fi" || w == "esac") --d;
    }
    command_start = ends || w == "do" || w == "then" || w == "else" || w == "&&" || w == "||";
  }
  return d;
}

// The commands of every ```sh block not marked to skip, in order.
std::vector<Command> readme_commands(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::vector<Command> out;
  std::string line, previous;
  bool in_block = false, skip = false;
  char quote = 0;
  int depth = 0;            // open for/while/if/case constructs of the current command
  Command* open = nullptr;  // a command continued on the next line
  for (int n = 1; std::getline(in, line); ++n) {
    if (!in_block) {
      if (line.rfind("```sh", 0) == 0) {
        in_block = true;
        skip = previous.rfind("<!-- readme-test: skip", 0) == 0;
      }
      previous = line;
      continue;
    }
    if (line.rfind("```", 0) == 0) {
      REQUIRE_MESSAGE(open == nullptr, "README.md:" << n << ": a command block ends inside a command");
      in_block = false;
      previous = line;
      continue;
    }
    if (skip) continue;
    if (open) {
      open->text += "\n" + line;
    } else {
      size_t first = line.find_first_not_of(" \t");
      if (first == std::string::npos) continue;
      if (line.compare(first, 5, "# => ") == 0) {
        REQUIRE_MESSAGE(!out.empty(), "README.md:" << n << ": an expectation before any command");
        out.back().expect.push_back(line.substr(first + 5));
        continue;
      }
      if (line[first] == '#') continue;  // a comment line
      out.push_back(Command{n, line, {}});
      open = &out.back();
    }
    if (command_ends(line, &quote) && (depth += compound_depth(line)) <= 0) {
      open = nullptr;
      depth = 0;
    }
  }
  REQUIRE_MESSAGE(!in_block, "README.md ends inside a command block");
  return out;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
}

// True when the pieces of `expect` between its `...` occur in `text` in that order.
bool matches(const std::string& text, const std::string& expect) {
  size_t at = 0, from = 0;
  for (;;) {
    size_t dots = expect.find("...", from);
    std::string piece = expect.substr(from, dots == std::string::npos ? std::string::npos : dots - from);
    if (!piece.empty()) {
      at = text.find(piece, at);
      if (at == std::string::npos) return false;
      at += piece.size();
    }
    if (dots == std::string::npos) return true;
    from = dots + 3;
  }
}

}  // namespace

TEST_CASE("readme: every command block runs in order against the real binary and prints what it says") {
  std::vector<Command> commands = readme_commands(std::string(OS_SOURCE_DIR) + "/README.md");
  REQUIRE(commands.size() > 20);  // the parse found the README's session, not nothing

  // The reader's clone: bin/orderstream, and the server's data in ./data beside it.
  ServerFixture s;
  std::filesystem::create_directories(s.dir.file("bin"));
  std::filesystem::create_symlink(OS_BINARY, s.dir.file("bin/orderstream"));
  s.start(4);
  REQUIRE(s.data_dir() == s.dir.file("data"));
  const std::string port = std::to_string(s.port);
  const std::string kafka_port = std::to_string(s.kafka_port);

  auto to_port = [&](std::string& text) {
    replace_all(text, "localhost:8080", "localhost:" + port);
    replace_all(text, "127.0.0.1:8080", "127.0.0.1:" + port);
    replace_all(text, "localhost:9092", "localhost:" + kafka_port);
  };
  for (Command& c : commands) {
    to_port(c.text);
    for (std::string& e : c.expect) to_port(e);
    CAPTURE(c.line);
    CAPTURE(c.text);
    ChildProcess sh({"bash", "-c", "set -o pipefail; cd \"$0\" && eval \"$1\" 2>&1", s.dir.str(), c.text},
                    s.dir.str());
    auto code = sh.wait_exit(std::chrono::seconds(120));
    if (!code) sh.kill(SIGKILL);
    std::string output = sh.stdout_text();
    CAPTURE(output);
    REQUIRE_MESSAGE(code.has_value(), "README.md:" << c.line << ": the command did not finish in 2 minutes");
    REQUIRE_MESSAGE(*code == 0, "README.md:" << c.line << ": the command exited " << *code);
    for (const std::string& e : c.expect)
      CHECK_MESSAGE(matches(output, e), "README.md:" << c.line << ": the output lacks `" << e << "`");
  }
  CHECK(s.stop() == 0);
}

}  // namespace orderstream::test
