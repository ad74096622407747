// powerloss-demo FILE: writes FILE the way LMDB does, for the simulator's own test: 4096 bytes
// of 'a' with pwrite, fdatasync; then, unsynced, "bbbb" over byte 100 with pwrite and "cccc"
// after the end with lseek + writev. Exits without syncing, as a killed process would.
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  int fd = ::open(argv[1], O_RDWR | O_CREAT, 0644);
  if (fd < 0) return 1;
  std::string a(4096, 'a');
  if (::pwrite(fd, a.data(), a.size(), 0) != 4096 || ::fdatasync(fd) != 0) return 1;
  if (::pwrite(fd, "bbbb", 4, 100) != 4) return 1;
  char c1[] = "cc", c2[] = "cc";
  struct iovec iov[2] = {{c1, 2}, {c2, 2}};
  if (::lseek(fd, 8192, SEEK_SET) != 8192 || ::writev(fd, iov, 2) != 4) return 1;
  return 0;  // no close, no sync: the page cache holds the rest
}
