#include "kafka/server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "kafka/wire.h"

namespace orderstream::kafka {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class Connection;

struct KafkaServer::State {
  State(asio::io_context& i, KafkaServerOptions o, Handler h)
      : io(i), options(std::move(o)), handler(std::move(h)), acceptor(i) {}
  asio::io_context& io;
  KafkaServerOptions options;
  Handler handler;
  tcp::acceptor acceptor;
  std::atomic<uint16_t> port{0};
  std::mutex mu;
  std::set<std::weak_ptr<Connection>, std::owner_less<std::weak_ptr<Connection>>> connections;  // GUARDED_BY(mu)
  bool stopped = false;  // GUARDED_BY(mu)
};

// One client connection. Its members are touched only on its strand.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, std::shared_ptr<KafkaServer::State> server)
      : socket_(std::move(socket)), server_(std::move(server)), idle_(socket_.get_executor()), gate_(server_->options.sasl_plain) {
    boost::system::error_code ec;
    auto peer = socket_.remote_endpoint(ec);
    if (!ec) peer_ = "/" + peer.address().to_string();  // Kafka's form of a member's client_host
  }

  void start() { asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->read_size(); }); }
  void close() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->shut(); });
  }

 private:
  void shut() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    idle_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  void arm_idle() {
    idle_.expires_after(std::chrono::milliseconds(server_->options.idle_timeout_ms));
    idle_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec && self->owed_.empty()) self->shut();
    });
  }

  // Whether the next request may be read now: nothing owed, or only Produce requests below the
  // pipelining depth (a request read then that is no Produce is held until they are answered).
  bool may_read() const {
    return owed_.empty() || (!held_ && owed_other_ == 0 && owed_.size() < server_->options.max_produce_in_flight);
  }

  bool is_produce(const std::string& frame) const {
    return gate_.authenticated() && frame.size() >= 2 && frame[0] == 0 && frame[1] == static_cast<char>(ApiKey::kProduce);
  }

  void read_size() {
    if (closed_ || closing_) return;
    if (!may_read()) {
      paused_ = true;  // resumed by flush()
      return;
    }
    arm_idle();
    asio::async_read(socket_, asio::buffer(size_buf_), [self = shared_from_this()](boost::system::error_code ec, size_t) {
      if (ec) return self->shut();
      Reader r(std::string_view(self->size_buf_, 4));
      int32_t size = r.i32();
      const KafkaServerOptions& o = self->server_->options;
      size_t limit = self->gate_.authenticated() ? o.max_request_bytes
                                                 : std::min(o.max_request_bytes, kMaxUnauthenticatedRequestBytes);
      // A bare SASL token may be short; a request holds at least key, version and correlation id.
      int32_t smallest = self->gate_.expects_raw_token() ? 0 : 8;
      // Beyond the bounds Kafka closes the connection, as there is no way to resynchronise the stream.
      if (size < smallest || static_cast<size_t>(size) > limit) {
        std::fprintf(stderr, "kafka: closing a connection that sent a %d-byte request (limit %zu)\n", size, limit);
        return self->shut();
      }
      self->frame_.resize(static_cast<size_t>(size));
      self->read_frame();
    });
  }

  void read_frame() {
    asio::async_read(socket_, asio::buffer(frame_), [self = shared_from_this()](boost::system::error_code ec, size_t) {
      if (ec) return self->shut();
      auto frame = std::make_shared<std::string>(std::move(self->frame_));
      self->frame_.clear();
      if (!self->owed_.empty() && !self->is_produce(*frame)) {
        self->held_ = std::move(frame);  // dispatched by flush() once the owed are answered
        self->paused_ = true;
        return;
      }
      self->dispatch_frame(std::move(frame));
      self->read_size();
    });
  }

  // `frame` is kept alive until answered: the header's body is a view into it.
  void dispatch_frame(std::shared_ptr<std::string> frame) {
    if (gate_.expects_raw_token()) return answer_gate(gate_.on_raw_token(*frame), 0, true);
    auto header = parse_request_header(*frame);
    if (!header.ok()) return shut();
    SaslGate::Step step = gate_.on_request(*header);
    if (step.kind != SaslGate::Step::kPass) return answer_gate(std::move(step), header->correlation_id, false);
    header->client_host = peer_;
    uint64_t seq = next_seq_++;
    bool produce = header->api_key == static_cast<int16_t>(ApiKey::kProduce);
    owed_[seq] = Owed{header->correlation_id, std::nullopt, false, false, false, produce};
    if (!produce) ++owed_other_;
    auto self = shared_from_this();
    struct Once {
      std::shared_ptr<Connection> conn;
      uint64_t seq;
      std::shared_ptr<std::string> frame;
      std::atomic<bool> done{false};
      ~Once() {
        if (!done.load()) conn->close();  // dropped without an answer
      }
    };
    auto once = std::make_shared<Once>();
    once->conn = self;
    once->seq = seq;
    once->frame = frame;
    server_->handler(*header, [once](std::optional<std::string> body) {
      if (once->done.exchange(true)) return;
      asio::post(once->conn->socket_.get_executor(), [conn = once->conn, seq = once->seq, body = std::move(body)]() mutable {
        conn->complete(seq, std::move(body));
      });
    });
  }

  void complete(uint64_t seq, std::optional<std::string> body) {
    auto it = owed_.find(seq);
    if (it == owed_.end()) return;
    it->second.ready = true;
    it->second.body = std::move(body);
    flush();
  }

  void dispatch_held() {
    if (!held_ || !owed_.empty() || closing_ || closed_) return;
    auto frame = std::move(held_);
    held_.reset();
    dispatch_frame(std::move(frame));
    read_size();  // pauses again unless the held request was answered at once
  }

  // What the SASL gate decided instead of the broker: an answer (in order with the others), or
  // closing the connection.
  void answer_gate(SaslGate::Step step, int32_t correlation, bool raw) {
    if (!step.why.empty()) std::fprintf(stderr, "kafka: %s: %s\n", peer_.c_str(), step.why.c_str());
    if (step.kind == SaslGate::Step::kClose) return shut();
    owed_[next_seq_++] = Owed{correlation, std::move(step.body), true, raw, step.close_after, false};
    ++owed_other_;
    flush();
  }

  // Writes the answers that are ready, in request order.
  void flush() {
    if (closed_ || writing_) return;
    std::string out;
    bool close_after = false;
    while (!owed_.empty() && owed_.begin()->second.ready && !close_after) {
      Owed& o = owed_.begin()->second;
      if (o.body) {
        Writer w;
        w.i32(static_cast<int32_t>((o.raw ? 0 : 4) + o.body->size()));
        if (!o.raw) w.i32(o.correlation);  // a bare SASL token's reply has no response header
        w.raw(*o.body);
        out += w.take();
      }
      close_after = o.close_after;
      if (!o.produce) --owed_other_;
      owed_.erase(owed_.begin());
    }
    if (close_after) {
      closing_ = true;  // nothing more is read or answered
      owed_.clear();
      owed_other_ = 0;
    }
    // A request held behind pipelined Produce requests goes once they are all answered: posted,
    // so that its answer is written after the ones collected here.
    if (held_ && owed_.empty() && !closing_)
      asio::post(socket_.get_executor(), [self = shared_from_this()] { self->dispatch_held(); });
    if (paused_ && !closing_ && may_read()) {
      paused_ = false;
      read_size();
    }
    if (out.empty()) return;
    writing_ = true;
    auto buf = std::make_shared<std::string>(std::move(out));
    asio::async_write(socket_, asio::buffer(*buf), [self = shared_from_this(), buf](boost::system::error_code ec, size_t) {
      self->writing_ = false;
      if (ec || self->closing_) return self->shut();
      self->flush();
    });
  }

  struct Owed {
    int32_t correlation;
    std::optional<std::string> body;
    bool ready;
    bool raw;          // a reply to a bare SASL token: no response header
    bool close_after;  // close the connection once written (a failed authentication)
    bool produce;      // a Produce request (pipelined with the ones around it)
  };
  tcp::socket socket_;
  std::shared_ptr<KafkaServer::State> server_;
  asio::steady_timer idle_;
  char size_buf_[4];
  std::string frame_;
  std::string peer_;
  std::map<uint64_t, Owed> owed_;
  uint64_t next_seq_ = 0;
  bool writing_ = false;
  bool paused_ = false;
  bool closed_ = false;
  bool closing_ = false;  // closed once the last answer is written
  size_t owed_other_ = 0;  // owed answers to requests that are no Produce
  std::shared_ptr<std::string> held_;  // a request read behind pipelined Produce requests
  SaslGate gate_;
};

namespace {

void accept(const std::shared_ptr<KafkaServer::State>& s) {
  s->acceptor.async_accept(asio::make_strand(s->io), [s](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      std::lock_guard lock(s->mu);
      if (s->stopped) return;
      // Drop the connections that are gone, then refuse beyond the limit.
      for (auto it = s->connections.begin(); it != s->connections.end();) it = it->expired() ? s->connections.erase(it) : std::next(it);
      if (s->connections.size() >= s->options.max_connections) {
        boost::system::error_code ignore;
        socket.close(ignore);
      } else {
        auto conn = std::make_shared<Connection>(std::move(socket), s);
        s->connections.insert(conn);
        conn->start();
      }
    }
    accept(s);
  });
}

}  // namespace

KafkaServer::KafkaServer(asio::io_context& io, KafkaServerOptions options, Handler handler)
    : state_(std::make_shared<State>(io, std::move(options), std::move(handler))) {}

KafkaServer::~KafkaServer() { stop(); }

Status KafkaServer::start() {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(state_->options.host, ec);
  if (ec) return invalid_argument("bad kafka listener host '" + state_->options.host + "': " + ec.message());
  tcp::endpoint ep(addr, state_->options.port);
  auto& a = state_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return io_error("cannot listen for Kafka clients on " + state_->options.host + ":" +
                    std::to_string(state_->options.port) + ": " + ec.message());
  state_->port = a.local_endpoint().port();
  accept(state_);
  return Status::ok();
}

uint16_t KafkaServer::port() const { return state_->port.load(); }

void KafkaServer::stop() {
  std::set<std::weak_ptr<Connection>, std::owner_less<std::weak_ptr<Connection>>> conns;
  {
    std::lock_guard lock(state_->mu);
    if (state_->stopped) return;
    state_->stopped = true;
    conns.swap(state_->connections);
  }
  asio::post(state_->acceptor.get_executor(), [s = state_] {
    boost::system::error_code ec;
    s->acceptor.close(ec);
  });
  for (const auto& w : conns)
    if (auto c = w.lock()) c->close();
}

}  // namespace orderstream::kafka
