// powerloss-cut DATA_FILE [--keep-fraction F] [--seed S]: after the process writing DATA_FILE
// under the powerloss shim was SIGKILLed, does to the file what a power cut would have done:
// every write since its last fdatasync is undone (F = 0, the default), or each one survives with
// probability F (the disk wrote them out of order). Undone writes get their old bytes back, in
// reverse order, and the file is cut to the size the surviving writes give it. Then the journal
// goes. Prints what it did on one line; exits 1 on a damaged journal or an I/O error.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "journal.h"

namespace {

struct Write {
  powerloss::Entry e;
  std::string old;
};

int fail(const std::string& what) {
  std::fprintf(stderr, "powerloss-cut: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return fail("usage: powerloss-cut DATA_FILE [--keep-fraction F] [--seed S]");
  std::string data = argv[1];
  double keep = 0;
  uint64_t seed = 1;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--keep-fraction") == 0) keep = std::atof(argv[i + 1]);
    else if (std::strcmp(argv[i], "--seed") == 0) seed = std::strtoull(argv[i + 1], nullptr, 10);
    else return fail(std::string("unknown option ") + argv[i]);
  }
  std::string journal = data + powerloss::kSuffix;
  std::FILE* j = std::fopen(journal.c_str(), "rb");
  if (!j) return fail("no journal at " + journal + " (was the writer run under the shim?)");
  std::vector<Write> writes;
  bool torn = false;  // a SIGKILL inside the journal's append: the write it describes never began
  while (!torn) {
    Write w;
    size_t got = std::fread(&w.e, 1, sizeof(w.e), j);
    if (got == 0) break;
    if (got != sizeof(w.e)) torn = true;
    else if (w.e.old_len > (1ull << 32)) return fail("a damaged journal entry");
    else {
      w.old.resize(w.e.old_len);
      if (std::fread(w.old.data(), 1, w.old.size(), j) != w.old.size()) torn = true;
      else writes.push_back(std::move(w));
    }
  }
  std::fclose(j);
  int fd = ::open(data.c_str(), O_RDWR);
  if (fd < 0) return fail("cannot open " + data);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> coin(0, 1);
  std::vector<bool> lost(writes.size());
  for (size_t i = 0; i < writes.size(); ++i) lost[i] = coin(rng) >= keep;
  // Backwards: a lost write gets its old bytes back except where a later kept write covers them
  // (those bytes are already what survived).
  size_t undone = 0;
  std::vector<std::pair<uint64_t, uint64_t>> kept;  // [from, to) of later kept writes
  for (size_t i = writes.size(); i-- > 0;) {
    const Write& w = writes[i];
    if (!lost[i]) {
      kept.emplace_back(w.e.offset, w.e.offset + w.e.length);
      continue;
    }
    for (uint64_t b = 0; b < w.e.old_len;) {
      uint64_t at = w.e.offset + b, run = w.e.old_len - b;
      bool covered = false;
      for (auto [from, to] : kept) {
        if (at >= from && at < to) covered = true, run = std::min(run, to - at);
        else if (from > at) run = std::min(run, from - at);
      }
      if (!covered &&
          ::pwrite(fd, w.old.data() + b, run, static_cast<off_t>(at)) != static_cast<ssize_t>(run))
        return fail("cannot restore bytes in " + data);
      b += run;
    }
    ++undone;
  }
  if (!writes.empty()) {
    uint64_t size = writes.front().e.old_size;  // before anything the journal holds
    for (size_t i = 0; i < writes.size(); ++i)
      if (!lost[i]) size = std::max(size, writes[i].e.offset + writes[i].e.length);
    struct stat st;
    if (fstat(fd, &st) == 0 && static_cast<uint64_t>(st.st_size) > size && ftruncate(fd, static_cast<off_t>(size)) != 0)
      return fail("cannot cut " + data);
  }
  if (fdatasync(fd) != 0) return fail("cannot sync " + data);
  ::close(fd);
  std::remove(journal.c_str());
  std::printf("powerloss-cut: undid %zu of the %zu writes since the last fdatasync (keep %.2f, seed %llu)\n", undone,
              writes.size(), keep, static_cast<unsigned long long>(seed));
  return 0;
}
