// What `orderstream --version` prints: the release, the git commit built (with "-dirty" when the
// tree had uncommitted changes) and the CMake build type. Defined in a file generated at build
// time (cmake/version_info.cmake), so the commit is never stale.
#pragma once

namespace orderstream {

const char* version();
const char* build_commit();
const char* build_type();

}  // namespace orderstream
