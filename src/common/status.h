// Status and Result<T>: how fallible code reports errors in orderstream. Value types, thread-safe
// to copy. OK carries no allocation; an error carries a code and a message.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace orderstream {

enum class StatusCode : int {
  kOk = 0,
  kNotFound,
  kInvalidArgument,
  kCorruption,
  kIOError,
  kBusy,       // try again later (queue full, data dir locked by another process)
  kAborted,    // shutdown or cancelled
  kConflict,   // the request contradicts what is stored (e.g. a different order under an id)
  kNoSpace,    // the LMDB map or the disk is full
  kTimeout,    // a wait ran past its deadline
  kPermissionDenied,  // the caller may not do this (a topic or group another writer owns)
};

const char* status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : rep_(code == StatusCode::kOk ? nullptr
                                     : std::make_shared<Rep>(Rep{code, std::move(message)})) {}

  static Status ok() { return {}; }
  bool is_ok() const { return rep_ == nullptr; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  const std::string& message() const;
  // "NotFound: topic 'x' does not exist"
  std::string to_string() const;
  // Prepends context: "reading orders/3: <message>".
  Status with_context(std::string_view context) const;

 private:
  struct Rep {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const Rep> rep_;
};

inline Status not_found(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status invalid_argument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
inline Status io_error(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
inline Status busy(std::string m) { return {StatusCode::kBusy, std::move(m)}; }
inline Status aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
inline Status conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
inline Status no_space(std::string m) { return {StatusCode::kNoSpace, std::move(m)}; }
inline Status timed_out(std::string m) { return {StatusCode::kTimeout, std::move(m)}; }
inline Status permission_denied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }

// A value or an error Status. REQUIRES: value() only when ok().
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Status status) : v_(std::move(status)) {
    if (std::get<Status>(v_).is_ok()) {
      std::fprintf(stderr, "Result constructed from an OK status\n");
      std::abort();
    }
  }
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  Status status() const { return ok() ? Status::ok() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace orderstream

// Early return on error; works for Status and Result<T>.
#define OS_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::orderstream::Status os_st_ = (expr);       \
    if (!os_st_.is_ok()) return os_st_;          \
  } while (0)

#define OS_CONCAT_INNER(a, b) a##b
#define OS_CONCAT(a, b) OS_CONCAT_INNER(a, b)
#define OS_ASSIGN_OR_RETURN(lhs, expr) \
  OS_ASSIGN_OR_RETURN_IMPL(OS_CONCAT(os_res_, __LINE__), lhs, expr)
#define OS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
