# Generates OUT (C++) holding every file of SRC_DIR (the web console, ui/) as a byte array with
# its content type and an ETag (the first 16 hex digits of its SHA-256), so the binary serves
# the console itself: no web server beside it, no CDN. Run by the build whenever a file changes.
# Usage: cmake -DSRC_DIR=ui -DOUT=ui_assets.cpp -P embed_ui.cmake
file(GLOB names RELATIVE ${SRC_DIR} ${SRC_DIR}/*)
list(SORT names)
set(arrays "")
set(table "")
set(i 0)
foreach(name ${names})
  if(IS_DIRECTORY ${SRC_DIR}/${name})
    message(FATAL_ERROR "ui/${name}: the console's files are flat (the routes serve /ui/<file>)")
  endif()
  if(NOT name MATCHES "^[A-Za-z0-9_.-]+$")
    message(FATAL_ERROR "ui/${name}: only letters, digits, '_', '.' and '-' in file names")
  endif()
  get_filename_component(ext ${name} LAST_EXT)
  if(ext STREQUAL ".html")
    set(type "text/html; charset=utf-8")
  elseif(ext STREQUAL ".js")
    set(type "text/javascript; charset=utf-8")
  elseif(ext STREQUAL ".css")
    set(type "text/css; charset=utf-8")
  elseif(ext STREQUAL ".svg")
    set(type "image/svg+xml")
  elseif(ext STREQUAL ".png")
    set(type "image/png")
  elseif(ext STREQUAL ".json")
    set(type "application/json")
  else()
    message(FATAL_ERROR "ui/${name}: no content type known for '${ext}'")
  endif()
  file(READ ${SRC_DIR}/${name} hex HEX)
  file(SHA256 ${SRC_DIR}/${name} sha)
  string(SUBSTRING ${sha} 0 16 etag)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  # A trailing 0 keeps an empty file a valid array; the size below leaves it out.
  string(APPEND arrays "const unsigned char file${i}[] = {${bytes}0};\n")
  string(APPEND table "    {\"${name}\", \"${type}\", \"\\\"${etag}\\\"\", "
                      "{reinterpret_cast<const char*>(file${i}), sizeof(file${i}) - 1}},\n")
  math(EXPR i "${i} + 1")
endforeach()
set(text "// Generated from ui/ by cmake/embed_ui.cmake: do not edit.
#include \"api/ui_assets.h\"

namespace orderstream::api {
namespace {
${arrays}
const UiAsset kAssets[] = {
${table}};
}  // namespace

std::span<const UiAsset> ui_assets() { return kAssets; }

}  // namespace orderstream::api
")
file(WRITE ${OUT} "${text}")
