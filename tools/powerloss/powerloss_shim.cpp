// An LD_PRELOAD shim that makes a power cut testable: for the watched file (POWERLOSS_MATCH, by
// default LMDB's data.mdb) it journals, before each write, the bytes the write overwrites and the
// file's size, and forgets them at each successful fsync/fdatasync of that file. After a SIGKILL,
// powerloss-cut rolls back what a power cut would have lost: every write since the last sync, or
// a random subset of them (writes reaching the disk out of order). Interposes open/openat,
// close, write, writev, pwrite, pwritev, fsync and fdatasync (what LMDB 0.9 uses on Linux).
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "journal.h"

namespace {

constexpr int kMaxFd = 65536;
std::mutex mu;

// One journal per watched file (LMDB opens data.mdb more than once). Offsets are logical: bytes
// ever appended, so a sync that began before another sync's truncation still knows what it
// covers.
struct Journal {
  std::string path;
  int fd = -1;
  int refs = 0;
  uint64_t base = 0;  // logical offset of the journal file's first byte
  uint64_t end = 0;   // logical offset of its end
};
std::vector<Journal*> journals;  // GUARDED_BY(mu)
Journal* journal_of[kMaxFd];     // GUARDED_BY(mu): the journal of a watched fd, null for none

template <class F>
F real(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

using open_fn = int (*)(const char*, int, ...);
using openat_fn = int (*)(int, const char*, int, ...);
using write_fn = ssize_t (*)(int, const void*, size_t);
using pread_fn = ssize_t (*)(int, void*, size_t, off_t);
using pwrite_fn = ssize_t (*)(int, const void*, size_t, off_t);
using writev_fn = ssize_t (*)(int, const struct iovec*, int);
using pwritev_fn = ssize_t (*)(int, const struct iovec*, int, off_t);
using sync_fn = int (*)(int);
using close_fn = int (*)(int);

// The simulator cannot go on without its journal: a test that went on would lie.
[[noreturn]] void die(const char* what) {
  static auto w = real<write_fn>("write");
  std::string msg = std::string("powerloss shim: ") + what + ": " + std::strerror(errno) + "\n";
  (void)w(2, msg.data(), msg.size());
  std::abort();
}

bool watched_path(const char* path) {
  if (!path) return false;
  const char* want = std::getenv("POWERLOSS_MATCH");
  if (!want || !*want) want = "data.mdb";
  const char* base = std::strrchr(path, '/');
  base = base ? base + 1 : path;
  return std::strcmp(base, want) == 0;
}

void write_all(int fd, const char* c, size_t n) {
  static auto w = real<write_fn>("write");
  while (n > 0) {
    ssize_t k = w(fd, c, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) die("cannot write the journal");
    c += k;
    n -= static_cast<size_t>(k);
  }
}

// A file opened O_SYNC/O_DSYNC is durable when each write returns: nothing to undo.
void watch(int fd, const char* path, int flags) {
  if (fd <= 0 || fd >= kMaxFd || !watched_path(path) || (flags & O_DSYNC)) return;
  std::string j = std::string(path) + powerloss::kSuffix;
  std::lock_guard lock(mu);
  Journal* found = nullptr;
  for (Journal* x : journals)
    if (x->path == j) found = x;
  if (!found) {
    static auto o = real<open_fn>("open");
    int jfd = o(j.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);  // read back by after_sync
    if (jfd < 0) die("cannot open the journal");
    struct stat st;
    if (fstat(jfd, &st) != 0) die("fstat of the journal");
    // Entries of an earlier open of the file stay: closing it synced nothing.
    found = new Journal{j, jfd, 0, 0, static_cast<uint64_t>(st.st_size)};
    journals.push_back(found);
  }
  ++found->refs;
  journal_of[fd] = found;
}

// Journals a write of `len` bytes at `off` to fd (REQUIRES mu, fd watched): one append, so a
// SIGKILL leaves either the whole entry or none of it before the write it describes.
void journal(int fd, off_t off, size_t len) {
  struct stat st;
  if (fstat(fd, &st) != 0) die("fstat of the watched file");
  uint64_t size = static_cast<uint64_t>(st.st_size);
  uint64_t at = static_cast<uint64_t>(off);
  powerloss::Entry e{at, len, at < size ? std::min<uint64_t>(len, size - at) : 0, size};
  std::string buf(sizeof(e) + e.old_len, '\0');
  std::memcpy(buf.data(), &e, sizeof(e));
  static auto pr = real<pread_fn>("pread");
  size_t got = 0;
  while (got < e.old_len) {
    ssize_t k = pr(fd, buf.data() + sizeof(e) + got, e.old_len - got, static_cast<off_t>(at + got));
    if (k <= 0) die("cannot read the bytes a write overwrites");
    got += static_cast<size_t>(k);
  }
  Journal* j = journal_of[fd];
  write_all(j->fd, buf.data(), buf.size());
  j->end += buf.size();
}

bool is_watched(int fd) { return fd > 0 && fd < kMaxFd && journal_of[fd] != nullptr; }

size_t iov_len(const struct iovec* iov, int n) {
  size_t total = 0;
  for (int i = 0; i < n; ++i) total += iov[i].iov_len;
  return total;
}

// Where the journal ends now: a sync forgets only what was journaled before it began (a write
// that races with it may not be covered).
int64_t journal_mark(int fd) {
  std::lock_guard lock(mu);
  return is_watched(fd) ? static_cast<int64_t>(journal_of[fd]->end) : -1;
}

int after_sync(int fd, int64_t mark, int rc) {
  if (rc != 0 || mark < 0) return rc;
  std::lock_guard lock(mu);
  if (!is_watched(fd)) return rc;
  Journal* j = journal_of[fd];
  uint64_t upto = static_cast<uint64_t>(mark);
  if (upto <= j->base) return rc;  // a later sync already forgot these
  std::string rest(j->end - upto, '\0');
  static auto pr = real<pread_fn>("pread");
  if (!rest.empty() &&
      pr(j->fd, rest.data(), rest.size(), static_cast<off_t>(upto - j->base)) != static_cast<ssize_t>(rest.size()))
    die("cannot read the journal back");
  if (ftruncate(j->fd, 0) != 0) die("cannot truncate the journal");
  write_all(j->fd, rest.data(), rest.size());
  j->base = upto;
  return rc;
}

// The fd after watch(): what each open wrapper returns.
int watched(int fd, const char* path, int flags) {
  watch(fd, path, flags);
  return fd;
}

}  // namespace

// The mode argument of a variadic open, present only with O_CREAT/O_TMPFILE. A macro, as
// va_start must run in the variadic function itself.
#define SHIM_OPEN_MODE(flags)                                                               \
  mode_t mode = 0;                                                                          \
  if ((flags) & (O_CREAT | O_TMPFILE)) {                                                    \
    va_list ap;                                                                             \
    va_start(ap, flags);                                                                    \
    mode = static_cast<mode_t>(va_arg(ap, int));                                            \
    va_end(ap);                                                                             \
  }

extern "C" {

int open(const char* path, int flags, ...) {
  static auto o = real<open_fn>("open");
  SHIM_OPEN_MODE(flags);
  return watched(o(path, flags, mode), path, flags);
}

int open64(const char* path, int flags, ...) {
  static auto o = real<open_fn>("open64");
  SHIM_OPEN_MODE(flags);
  return watched(o(path, flags, mode), path, flags);
}

int openat(int dirfd, const char* path, int flags, ...) {
  static auto o = real<openat_fn>("openat");
  SHIM_OPEN_MODE(flags);
  return watched(o(dirfd, path, flags, mode), path, flags);
}

int close(int fd) {
  static auto c = real<close_fn>("close");
  {
    std::lock_guard lock(mu);
    if (is_watched(fd)) {
      Journal* j = journal_of[fd];
      journal_of[fd] = nullptr;
      if (--j->refs == 0) {  // kept open otherwise: another fd of the file still writes
        c(j->fd);
        std::erase(journals, j);
        delete j;
      }
    }
  }
  return c(fd);
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
  static auto w = real<pwrite_fn>("pwrite");
  std::lock_guard lock(mu);
  if (is_watched(fd)) journal(fd, off, n);
  return w(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void* buf, size_t n, off_t off) {
  static auto w = real<pwrite_fn>("pwrite64");
  std::lock_guard lock(mu);
  if (is_watched(fd)) journal(fd, off, n);
  return w(fd, buf, n, off);
}

ssize_t write(int fd, const void* buf, size_t n) {
  static auto w = real<write_fn>("write");
  if (fd > 0 && fd < kMaxFd) {
    std::lock_guard lock(mu);
    if (is_watched(fd)) journal(fd, lseek(fd, 0, SEEK_CUR), n);
  }
  return w(fd, buf, n);
}

ssize_t writev(int fd, const struct iovec* iov, int n) {
  static auto w = real<writev_fn>("writev");
  std::lock_guard lock(mu);
  if (is_watched(fd)) journal(fd, lseek(fd, 0, SEEK_CUR), iov_len(iov, n));
  return w(fd, iov, n);
}

ssize_t pwritev(int fd, const struct iovec* iov, int n, off_t off) {
  static auto w = real<pwritev_fn>("pwritev");
  std::lock_guard lock(mu);
  if (is_watched(fd)) journal(fd, off, iov_len(iov, n));
  return w(fd, iov, n, off);
}

int fsync(int fd) {
  static auto s = real<sync_fn>("fsync");
  off_t mark = journal_mark(fd);
  return after_sync(fd, mark, s(fd));
}

int fdatasync(int fd) {
  static auto s = real<sync_fn>("fdatasync");
  off_t mark = journal_mark(fd);
  return after_sync(fd, mark, s(fd));
}

}  // extern "C"
