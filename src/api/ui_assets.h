// The web console's files (ui/ in the source tree), compiled into the binary by
// cmake/embed_ui.cmake: served by ui_routes.cpp under /ui/ with their ETags.
#pragma once

#include <span>
#include <string_view>

namespace orderstream::api {

struct UiAsset {
  std::string_view name;          // the file name, e.g. "index.html"
  std::string_view content_type;
  std::string_view etag;          // quoted, as the ETag header carries it
  std::string_view body;
};

// Every file, sorted by name.
std::span<const UiAsset> ui_assets();

}  // namespace orderstream::api
