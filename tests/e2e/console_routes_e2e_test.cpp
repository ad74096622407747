// The console's HTTP side, as a browser and other clients see it: the embedded files with their
// ETags and redirects, the API token's exemption for them alone, and the admin read routes the
// console draws (topics and groups with offsets and lag).
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "e2e/server_fixture.h"

using namespace orderstream::test;

namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

HttpResult get_with(uint16_t port, const std::string& target, const std::string& header, const std::string& value) {
  HttpConnection c(port);
  c.extra_headers = {{header, value}};
  return c.request(bhttp::verb::get, target);
}

}  // namespace

TEST_SUITE("e2e console routes") {
  TEST_CASE("the console's files are served with ETags, revalidated to 304, and / leads to them") {
    ServerFixture s;
    s.start(2);
    for (const char* target : {"/", "/ui"}) {
      HttpResult r = s.get(target);
      CHECK_MESSAGE(r.status == 302, target);
      CHECK(r.header("Location") == "/ui/");
    }
    HttpResult page = s.get("/ui/");
    REQUIRE(page.status == 200);
    CHECK(page.header("Content-Type") == "text/html; charset=utf-8");
    CHECK(has(page.body, "<script type=\"module\" src=\"console.js\">"));
    CHECK(page.header("Cache-Control") == "no-cache");
    CHECK(has(page.header("Content-Security-Policy"), "default-src 'self'"));
    std::string etag = page.header("ETag");
    REQUIRE(etag.size() == 18);  // a quoted 16-digit hash
    CHECK(s.get("/ui/index.html").header("ETag") == etag);

    HttpResult same = get_with(s.port, "/ui/", "If-None-Match", etag);
    CHECK(same.status == 304);
    CHECK(same.body.empty());
    CHECK(get_with(s.port, "/ui/", "If-None-Match", "\"other\", W/" + etag).status == 304);
    CHECK(get_with(s.port, "/ui/", "If-None-Match", "\"other\"").status == 200);

    HttpResult js = s.get("/ui/console.js");
    CHECK(js.status == 200);
    CHECK(js.header("Content-Type") == "text/javascript; charset=utf-8");
    CHECK(js.header("ETag") != etag);
    CHECK(s.get("/ui/console.css").header("Content-Type") == "text/css; charset=utf-8");

    HttpResult missing = s.get("/ui/missing.js");
    CHECK(missing.status == 404);
    CHECK(has(missing.body, "\"code\":\"NotFound\""));
    CHECK(s.get("/ui/a/b.js").status == 404);
    HttpResult post = s.post("/ui/", "x");
    CHECK(post.status == 405);
    CHECK(post.header("Content-Type") == "application/json");
    CHECK(s.stop() == 0);
  }

  TEST_CASE("with --api-token the console's files need no token and its API calls do") {
    ServerFixture s;
    s.start(2, {"--api-token", "tok-ui-7"});
    CHECK(s.get("/ui/").status == 200);
    CHECK(s.get("/ui/console.js").status == 200);
    CHECK(s.get("/").status == 302);
    CHECK(s.get("/v1/admin/topics").status == 401);
    CHECK(s.get("/v1/admin/groups").status == 401);
    CHECK(s.post("/ui/", "{}").status == 401);  // only reads of the files are open
    CHECK(get_with(s.port, "/v1/admin/topics", "Authorization", "Bearer tok-ui-7").status == 200);
    CHECK(s.stop() == 0);
  }

  TEST_CASE("admin reads: topics with partition offsets, sizes and owner, groups with committed offsets and lag") {
    ServerFixture s;
    s.start(2);
    REQUIRE(s.put("/v1/inventory/JUMPERS", "{\"stock\":100}").status == 200);
    for (int i = 0; i < 4; ++i)
      REQUIRE(s.post("/v1/orders", order_json("adm-" + std::to_string(i), 3, "JUMPERS", 1, 1.0)).status == 201);
    for (int i = 0; i < 4; ++i)
      REQUIRE(s.get("/v1/orders/adm-" + std::to_string(i) + "/validated?timeout=60000").status == 200);

    HttpResult topics = s.get("/v1/admin/topics");
    REQUIRE(topics.status == 200);
    CHECK(has(topics.body, "{\"name\":\"orders\",\"partitions\":2,"));
    HttpResult orders = s.get("/v1/admin/topics/orders");
    REQUIRE(orders.status == 200);
    CHECK(has(orders.body, "\"owner\":\"topic orders is written only by the orders service"));
    CHECK(has(orders.body, "\"records\":8,"));  // 4 CREATED, 4 VALIDATED
    CHECK(has(orders.body, "\"partitionOffsets\":[{\"partition\":0,\"start\":0,"));
    CHECK(has(orders.body, "{\"group\":\"validations-aggregator\",\"lag\":"));

    HttpResult groups = s.get("/v1/admin/groups");
    REQUIRE(groups.status == 200);
    CHECK(has(groups.body, "{\"group\":\"orders-view\",\"owner\":\"consumer group orders-view is committed only by"));
    HttpResult agg = s.get("/v1/admin/groups/validations-aggregator");
    REQUIRE(agg.status == 200);
    CHECK(has(agg.body, "{\"topic\":\"order-validations\",\"partition\":"));
    CHECK(has(agg.body, "\"committed\":"));

    // A client's group: owner null, and its lag is what it has not read yet.
    REQUIRE(s.post("/v1/admin/topics", "{\"name\":\"clicks\",\"partitions\":1}").status == 201);
    REQUIRE(s.post("/v1/admin/topics/clicks/records", "{\"records\":[{\"value\":\"eA==\"},{\"value\":\"eQ==\"},{\"value\":\"eg==\"}]}").status == 200);
    REQUIRE(s.post("/v1/admin/groups/readers/offsets", "{\"offsets\":[{\"topic\":\"clicks\",\"partition\":0,\"offset\":1}]}").status == 200);
    HttpResult readers = s.get("/v1/admin/groups/readers");
    REQUIRE(readers.status == 200);
    CHECK(readers.body == "{\"group\":\"readers\",\"owner\":null,\"lag\":2,\"partitions\":[{\"topic\":\"clicks\","
                          "\"partition\":0,\"committed\":1,\"end\":3,\"lag\":2}]}");
    HttpResult clicks = s.get("/v1/admin/topics/clicks");
    CHECK(has(clicks.body, "\"owner\":null"));
    CHECK(has(clicks.body, "\"maxLag\":2,\"groups\":[{\"group\":\"readers\",\"lag\":2}]"));

    HttpResult no_topic = s.get("/v1/admin/topics/nope");
    CHECK(no_topic.status == 404);
    CHECK(has(no_topic.body, "\"code\":\"NotFound\""));
    HttpResult no_group = s.get("/v1/admin/groups/nobody");
    CHECK(no_group.status == 404);
    CHECK(has(no_group.body, "has no committed offsets"));
    CHECK(s.stop() == 0);
  }
  TEST_CASE("the message browser seeks by offset, time and latest, filters by key and text, and pages without gaps") {
    ServerFixture s;
    s.start(2);
    REQUIRE(s.post("/v1/admin/topics", "{\"name\":\"notes\",\"partitions\":2}").status == 201);
    // 10 records in partition 0 (keys k0..k9, values "v0".."v9"), then 5 in partition 1.
    std::string p0 = "{\"records\":[", p1 = "{\"records\":[";
    const char* b64[] = {"djA=", "djE=", "djI=", "djM=", "djQ=", "djU=", "djY=", "djc=", "djg=", "djk="};
    const char* keys[] = {"azA=", "azE=", "azI=", "azM=", "azQ=", "azU=", "azY=", "azc=", "azg=", "azk="};
    for (int i = 0; i < 10; ++i)
      p0 += std::string(i ? "," : "") + "{\"key\":\"" + keys[i] + "\",\"value\":\"" + b64[i] + "\",\"partition\":0}";
    for (int i = 0; i < 5; ++i)
      p1 += std::string(i ? "," : "") + "{\"key\":\"" + keys[i] + "\",\"value\":\"" + b64[i] + "\",\"partition\":1}";
    REQUIRE(s.post("/v1/admin/topics/notes/records", p0 + "]}").status == 200);
    REQUIRE(s.post("/v1/admin/topics/notes/records", p1 + "]}").status == 200);

    HttpResult seek = s.get("/v1/admin/topics/notes/records?partition=0&offset=7");
    REQUIRE(seek.status == 200);
    CHECK(has(seek.body, "\"records\":[{\"partition\":0,\"offset\":7,\"timestamp\":"));
    CHECK(has(seek.body, "\"key\":\"k7\",\"value\":\"v7\",\"headers\":[]}"));
    CHECK(has(seek.body, "\"partitions\":[{\"partition\":0,\"next\":10,\"end\":10}]"));
    CHECK_FALSE(has(seek.body, "\"offset\":6,"));

    HttpResult latest = s.get("/v1/admin/topics/notes/records?partition=0&offset=latest&limit=2");
    CHECK(has(latest.body, "\"offset\":8,"));
    CHECK(has(latest.body, "\"offset\":9,"));
    CHECK_FALSE(has(latest.body, "\"offset\":7,"));

    CHECK(has(s.get("/v1/admin/topics/notes/records?timestamp=0&partition=1&limit=1").body,
              "\"records\":[{\"partition\":1,\"offset\":0,"));
    HttpResult future = s.get("/v1/admin/topics/notes/records?timestamp=99999999999999");
    CHECK(has(future.body, "\"records\":[]"));

    HttpResult keyed = s.get("/v1/admin/topics/notes/records?key=k3");
    CHECK(has(keyed.body, "{\"partition\":0,\"offset\":3,"));
    CHECK(has(keyed.body, "{\"partition\":1,\"offset\":3,"));
    CHECK_FALSE(has(keyed.body, "\"key\":\"k4\""));
    HttpResult text = s.get("/v1/admin/topics/notes/records?partition=0&q=9");
    CHECK(has(text.body, "\"records\":[{\"partition\":0,\"offset\":9,"));
    CHECK_FALSE(has(text.body, "\"offset\":8,"));

    // Pages of 4 over both partitions, each continuing where its partition's `next` says: every
    // record once, none skipped.
    std::set<std::string> seen;
    std::map<int, int64_t> next{{0, 0}, {1, 0}};
    for (int page = 0; page < 10 && (next[0] < 10 || next[1] < 5); ++page)
      for (int p = 0; p < 2; ++p) {
        HttpResult r = s.get("/v1/admin/topics/notes/records?limit=4&partition=" + std::to_string(p) +
                             "&offset=" + std::to_string(next[p]));
        REQUIRE(r.status == 200);
        for (size_t at = r.body.find("{\"partition\":"); at != std::string::npos && at < r.body.find("],\"partitions\""); at = r.body.find("{\"partition\":", at + 1))
          seen.insert(r.body.substr(at, r.body.find(",\"timestamp\"", at) - at));
        size_t n = r.body.find("\"next\":", r.body.find("\"partitions\""));
        next[p] = std::stoll(r.body.substr(n + 7));
      }
    CHECK(seen.size() == 15);
    HttpResult all = s.get("/v1/admin/topics/notes/records?limit=3");
    CHECK(has(all.body, "\"partitions\":[{\"partition\":0,\"next\":"));

    for (const char* bad : {"?offset=x", "?offset=-1", "?limit=0", "?limit=1001", "?partition=x",
                            "?offset=1&timestamp=2", "?colour=red"}) {
      HttpResult r = s.get(std::string("/v1/admin/topics/notes/records") + bad);
      CHECK_MESSAGE(r.status == 400, bad << ": " << r.status << " " << r.body);
      CHECK_MESSAGE(has(r.body, "\"code\":\"InvalidArgument\""), bad);
    }
    CHECK(s.get("/v1/admin/topics/notes/records?partition=2").status == 404);
    CHECK(s.get("/v1/admin/topics/nope/records").status == 404);
    CHECK(s.stop() == 0);
  }
}
