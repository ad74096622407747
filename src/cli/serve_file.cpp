#include "cli/serve_file.h"

#include <simdjson.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "http/response.h"

namespace orderstream::cli {

namespace fs = std::filesystem;

std::string serve_file(const std::string& data_dir) { return (fs::path(data_dir) / kServeFile).string(); }

bool process_alive(int64_t pid) {
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

std::optional<ServeFile> read_serve_file(const std::string& path, std::string* why) {
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path).get(text) != simdjson::SUCCESS) {
    *why = "no running server is recorded in " + path;
    return std::nullopt;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ServeFile f;
  std::string_view url;
  uint64_t max_body = 0;
  if (parser.parse(text).get(doc) != simdjson::SUCCESS || doc["pid"].get(f.pid) != simdjson::SUCCESS ||
      doc["url"].get(url) != simdjson::SUCCESS) {
    *why = path + " is not a server record";
    return std::nullopt;
  }
  f.url = std::string(url);
  std::string_view token;
  if (doc["token"].get(token) == simdjson::SUCCESS) f.token = std::string(token);
  if (doc["max_body_bytes"].get(max_body) == simdjson::SUCCESS && max_body > 0) f.max_body_bytes = max_body;
  return f;
}

std::string local_url(const std::string& host, uint16_t port) {
  std::string h = host;
  if (h == "0.0.0.0" || h.empty()) h = "127.0.0.1";
  else if (h == "::" || h == "[::]") h = "[::1]";
  else if (h.find(':') != std::string::npos && h.front() != '[') h = "[" + h + "]";
  return "http://" + h + ":" + std::to_string(port);
}

Status write_serve_file(const std::string& data_dir, const std::string& url, size_t max_body_bytes,
                        const std::string& token) {
  std::string path = serve_file(data_dir);
  std::string tmp = path + "." + std::to_string(::getpid()) + ".tmp";
  std::string text = "{\"pid\":" + std::to_string(::getpid()) + ",\"url\":" + http::json_quote(url) +
                     ",\"max_body_bytes\":" + std::to_string(max_body_bytes) +
                     (token.empty() ? "" : ",\"token\":" + http::json_quote(token)) + "}\n";
  {
    // Created owner-only before anything is written, so the token is never readable by others.
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return io_error("cannot write " + tmp + ": " + std::strerror(errno));
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ok = ::close(fd) == 0 && ok;
    if (!ok) {
      std::remove(tmp.c_str());
      return io_error("cannot write " + tmp);
    }
  }
  // Readers see the old file or the new one, never a torn one.
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    Status st = io_error("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
    std::remove(tmp.c_str());
    return st;
  }
  return Status::ok();
}

void remove_serve_file(const std::string& data_dir) {
  std::string path = serve_file(data_dir);
  std::string why;
  auto f = read_serve_file(path, &why);
  if (f && f->pid == ::getpid()) std::remove(path.c_str());
}


}  // namespace orderstream::cli
