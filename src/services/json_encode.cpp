// Canonical JSON encoders (see json_codec.h for the format).
#include "services/json_codec.h"

#include "common/json_string.h"

#include <charconv>
#include <cmath>

namespace orderstream::services {
namespace {

void append_int(std::string& out, int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  if (v == 0) {  // also -0: "-0" would decode as the integer 0 and not re-encode identically
    out += '0';
    return;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  const std::string_view plain(buf, static_cast<size_t>(r.ptr - buf));
  const size_t digits = plain.size() - (v < 0 ? 1 : 0);
  // A long run of digits would be read back as an integer and may exceed uint64.
  if (plain.find_first_of(".e") == std::string_view::npos && digits > 15) {
    r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  }
  out.append(buf, r.ptr);
}

// Builds one compact object; keys are compile-time constants that need no escaping.
class ObjectWriter {
 public:
  ObjectWriter() { out_ += '{'; }
  ObjectWriter& str(std::string_view key, std::string_view v) {
    append_json_string(this->key(key), v);
    return *this;
  }
  ObjectWriter& i64(std::string_view key, int64_t v) {
    append_int(this->key(key), v);
    return *this;
  }
  ObjectWriter& dbl(std::string_view key, double v) {
    append_double(this->key(key), v);
    return *this;
  }
  std::string finish() {
    out_ += '}';
    return std::move(out_);
  }

 private:
  std::string& key(std::string_view k) {
    if (out_.size() > 1) out_ += ',';
    out_ += '"';
    out_ += k;
    out_ += "\":";
    return out_;
  }
  std::string out_;
};

}  // namespace

std::string to_json(const Order& v) {
  ObjectWriter w;
  w.str("id", v.id).i64("customerId", v.customer_id).str("state", to_string(v.state));
  if (v.product) w.str("product", to_string(*v.product));
  w.i64("quantity", v.quantity).dbl("price", v.price);
  return w.finish();
}

std::string to_json(const OrderValidation& v) {
  return ObjectWriter()
      .str("orderId", v.order_id)
      .str("checkType", to_string(v.check_type))
      .str("validationResult", to_string(v.result))
      .finish();
}

std::string to_json(const Payment& v) {
  return ObjectWriter()
      .str("id", v.id)
      .str("orderId", v.order_id)
      .str("ccy", v.ccy)
      .dbl("amount", v.amount)
      .finish();
}

std::string to_json(const Customer& v) {
  return ObjectWriter()
      .i64("id", v.id)
      .str("firstName", v.first_name)
      .str("lastName", v.last_name)
      .str("email", v.email)
      .str("address", v.address)
      .str("level", v.level)
      .finish();
}

std::string to_json(const OrderEnriched& v) {
  return ObjectWriter()
      .str("id", v.id)
      .i64("customerId", v.customer_id)
      .str("customerLevel", v.customer_level)
      .finish();
}

std::string to_json(const InventoryLevel& v) {
  return ObjectWriter().i64("stock", v.stock).finish();
}

std::string to_json(const Email& v) {
  return ObjectWriter()
      .i64("customerId", v.customer_id)
      .str("to", v.to)
      .str("orderId", v.order_id)
      .str("paymentId", v.payment_id)
      .str("subject", v.subject)
      .str("body", v.body)
      .finish();
}

std::string stock_to_log_json(int64_t stock) {
  std::string out;
  append_int(out, stock);
  return out;
}

}  // namespace orderstream::services
