#include "common/proc_io.h"

#include <fstream>
#include <string>

namespace orderstream {

int64_t process_bytes_written() {
  std::ifstream io("/proc/self/io");
  std::string name;
  int64_t value = 0;
  while (io >> name >> value)
    if (name == "wchar:") return value;
  return 0;
}

}  // namespace orderstream
