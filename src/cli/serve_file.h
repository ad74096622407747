// <data-dir>/serve.json: where a running `orderstream serve` listens, so that writing CLI
// commands can find it (cli/server_client.h). serve writes it after it starts listening and
// removes it on the way out; a SIGKILLed server leaves it behind, which readers recognise as
// stale by its pid. Not fsynced: a lost or stale file only ever means "no server".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"

namespace orderstream::cli {

inline constexpr const char* kServeFile = "serve.json";
inline constexpr size_t kDefaultMaxBodyBytes = 1 << 20;  // http::ServerOptions' default

// --- serve's side

// The URL a client on this host uses for a server listening on host:port: 0.0.0.0 and :: (any
// address) become 127.0.0.1 and [::1]; an IPv6 literal gets its brackets.
std::string local_url(const std::string& host, uint16_t port);
// Writes {"pid","url","max_body_bytes"[,"token"]} to <data_dir>/serve.json atomically (a temp
// file renamed over it), readable by its owner only: the API token lets the CLI beside the
// server through, as the data directory itself does. IOError if it cannot be written.
Status write_serve_file(const std::string& data_dir, const std::string& url, size_t max_body_bytes,
                        const std::string& token = "");
// Removes <data_dir>/serve.json if it names this process. Never fails.
void remove_serve_file(const std::string& data_dir);

// --- the CLI's side

struct ServeFile {
  int64_t pid = 0;
  std::string url;
  size_t max_body_bytes = kDefaultMaxBodyBytes;
  std::string token;  // the server's --api-token, empty when it has none
};

// The path of data_dir's serve.json.
std::string serve_file(const std::string& data_dir);
// The record at `path`; nullopt with *why set when it is missing or not a server record.
std::optional<ServeFile> read_serve_file(const std::string& path, std::string* why);
// Whether a process with this pid runs (one of another user counts).
bool process_alive(int64_t pid);

}  // namespace orderstream::cli
