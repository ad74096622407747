// The API layer speaks the HTTP server's vocabulary (Router, Responder, Response, json_response,
// status_response, ...) throughout, so it takes the whole of it into its namespace once, here.
#pragma once

#include "http/responder.h"
#include "http/response.h"
#include "http/router.h"

namespace orderstream::api {
using namespace orderstream::http;
}  // namespace orderstream::api
