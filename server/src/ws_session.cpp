#include "ws_session.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/error.hpp>

#include "log_fields.hpp"

namespace fieldsync::server {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

// A close frame's reason is at most 123 bytes; cut on a UTF-8 character boundary.
std::string close_text(std::string text) {
  constexpr std::size_t kMax = 123;
  if (text.size() <= kMax) return text;
  std::size_t end = kMax;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

// Payload bytes read per read_some: bounds the work per handler, not the message size.
constexpr std::size_t kReadChunkBytes = 64 * 1024;
// A read buffer a large message grew beyond this is given back after it: thousands of
// idle sessions must not each keep the memory of the largest push they ever sent.
constexpr std::size_t kKeptReadBufferBytes = 256 * 1024;
// Beast's hard message limit, as a multiple of limits.max_frame_bytes.
constexpr std::size_t kBackstopFactor = 4;

std::string replica_text(const std::optional<Connection>& connection) {
  return connection && connection->replica ? connection->replica->to_string() : "-";
}

}  // namespace

template <class Stream>
WsSession<Stream>::WsSession(ServerContext& context, Stream&& stream, ConnectionSlot slot, Principal principal,
                             std::string remote)
    : context_(context),
      ws_(std::move(stream)),
      executor_(ws_.get_executor()),
      slot_(std::move(slot)),
      remote_(std::move(remote)),
      principal_(std::move(principal)),
      handshake_timer_(executor_),
      rate_(context.limits.max_messages_per_second),
      opened_at_(std::chrono::steady_clock::now()) {}

template <class Stream>
WsSession<Stream>::~WsSession() {
  // Normally finish() has said goodbye to the service on the strand. Only when the server
  // tears its io_context down with this session's handlers still queued (stop() gave up
  // waiting, or a reply from a store worker was never run) does it fall to the
  // destructor; no service lock is held then, and no worker holds the session any more.
  if (connection_ && (!finished_ || busy_)) context_.service.disconnect(*connection_);
}

template <class Stream>
void WsSession<Stream>::run(HttpRequest upgrade) {
  asio::dispatch(executor_, [self = this->shared_from_this(), upgrade = std::move(upgrade)]() mutable {
    self->start(std::move(upgrade));
  });
}

template <class Stream>
void WsSession<Stream>::start(HttpRequest upgrade) {
  try {
    connection_ = context_.service.connect(principal_, this->weak_from_this());
  } catch (const Error& e) {
    refuse_upgrade(upgrade, e);
    return;
  }
  registration_ = context_.sessions.add(this->weak_from_this());

  const Limits& limits = context_.limits;
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = limits.handshake_timeout;  // the upgrade and the closing handshake
  // Beast pings after half the idle timeout without a frame and drops the peer if the
  // whole timeout passes without one: pinging every ping_interval while idle and giving
  // up after idle_timeout at the latest.
  timeout.idle_timeout = std::min<std::chrono::steady_clock::duration>(limits.idle_timeout, 2 * limits.ping_interval);
  timeout.keep_alive_pings = true;
  ws_.set_option(timeout);
  ws_.set_option(websocket::stream_base::decorator(
      [select_subprotocol = offers_sync_subprotocol(upgrade)](websocket::response_type& response) {
        response.set(http::field::server, "fieldsync-server");
        // A browser that offered subprotocols fails the connection unless one is selected.
        if (select_subprotocol) response.set(http::field::sec_websocket_protocol, kSyncSubprotocol);
      }));
  // The message limit is enforced in on_read(), which answers an oversized message with an
  // Error kTooLarge and a 1009 close as soon as a frame header announces it, while draining
  // the rest. Beast's own limit is only a backstop for absurd sizes: when it trips, Beast
  // sends the 1009 close frame itself (no Error first) and closes without draining (boost
  // 1.81 teardown stops reading after 2 KiB), so a client still writing may see a reset.
  ws_.read_message_max(limits.max_frame_bytes * kBackstopFactor);
  ws_.binary(true);

  // The hello must be answered within the handshake timeout, counted from the upgrade
  // request: a client that connects and says nothing does not hold a connection slot.
  handshake_timer_.expires_after(limits.handshake_timeout);
  handshake_timer_.async_wait(beast::bind_front_handler(&WsSession::on_handshake_timer, this->shared_from_this()));

  ws_.async_accept(upgrade, beast::bind_front_handler(&WsSession::on_accept, this->shared_from_this()));
}

template <class Stream>
void WsSession<Stream>::refuse_upgrade(const HttpRequest& upgrade, const Error& why) {
  spdlog::warn("event=ws_refused user={} remote={} status=429 reason={}", principal_.user, remote_, quote_field(why.what()));
  context_.metrics.error(why.code());
  auto response = std::make_shared<HttpResponse>(
      text_response(upgrade, http::status::too_many_requests, std::string(why.what()) + "\n"));
  response->keep_alive(false);
  auto& stream = ws_.next_layer();
  beast::get_lowest_layer(stream).expires_after(context_.limits.handshake_timeout);
  http::async_write(stream, *response, [self = this->shared_from_this(), response](beast::error_code, std::size_t) {
    end_connection(self->ws_.next_layer(), self->context_.limits.handshake_timeout, self);
  });
}

template <class Stream>
void WsSession<Stream>::on_accept(beast::error_code ec) {
  if (ec) return finish(ec);
  accepted_ = true;
  spdlog::info("event=ws_accepted user={} role={} remote={}", principal_.user, role_name(principal_.role), remote_);
  if (closing_) {  // shutdown() arrived during the upgrade
    close_when_flushed();
  }
  read_next();
}

template <class Stream>
void WsSession<Stream>::on_handshake_timer(beast::error_code ec) {
  // A hello with a store worker was received in time; its answer is on the way.
  if (ec || finished_ || hello_done_ || closing_ || busy_) return;
  context_.metrics.error(ErrorCode::kTimeout);
  if (!accepted_) {
    // Still in the upgrade: nothing can be sent yet.
    end_reason_ = "handshake timeout during the upgrade";
    beast::get_lowest_layer(ws_).close();
    return;
  }
  fail(ErrorCode::kTimeout,
       "no hello within " + std::to_string(context_.limits.handshake_timeout.count()) + " ms of connecting",
       CloseCode::policy_error);
}

template <class Stream>
void WsSession<Stream>::read_next() {
  reading_ = true;
  // Never buffer more than one byte over the limit: that byte is what tells an oversized
  // message from one exactly at the limit.
  const std::size_t allowance = context_.limits.max_frame_bytes + 1 - std::min(read_buffer_.size(), context_.limits.max_frame_bytes);
  ws_.async_read_some(read_buffer_, std::min(kReadChunkBytes, allowance),
                      beast::bind_front_handler(&WsSession::on_read, this->shared_from_this()));
}

template <class Stream>
void WsSession<Stream>::on_read(beast::error_code ec, std::size_t) {
  reading_ = false;
  if (ec) return finish(ec);
  // After a close was decided, data is read only to reach the peer's close frame.
  if (closing_) {
    read_buffer_.consume(read_buffer_.size());
    return read_next();
  }
  if (read_buffer_.size() + announced_rest() > context_.limits.max_frame_bytes) {
    // Refused as soon as its frame header says it will be too large, not after
    // max_frame_bytes of it have arrived: a sender that streams the rest still gets its
    // answer promptly, and the rest is read and discarded during the closing handshake.
    read_buffer_.consume(read_buffer_.size());
    fail(ErrorCode::kTooLarge,
         "a message over the " + std::to_string(context_.limits.max_frame_bytes) + "-byte limit",
         CloseCode::too_big);
    return read_next();
  }
  if (!ws_.is_message_done()) return read_next();

  ++frames_in_;
  const auto data = read_buffer_.cdata();
  std::string frame(static_cast<const char*>(data.data()), data.size());
  read_buffer_.consume(read_buffer_.size());
  if (read_buffer_.capacity() > kKeptReadBufferBytes) read_buffer_.shrink_to_fit();
  if (!rate_.allow()) {
    fail(ErrorCode::kRateLimited,
         "more than " + std::to_string(context_.limits.max_messages_per_second) + " messages per second",
         CloseCode::policy_error);
  } else if (!ws_.got_binary()) {
    fail(ErrorCode::kProtocol, "FieldSync messages are binary frames (protobuf Envelope), not text",
         CloseCode::unknown_data);
  } else if (busy_ && inbox_.size() + 1 >= context_.limits.max_unanswered_messages) {
    // No phone sends that many without waiting for answers (one push, two pulls at most):
    // a flooder, refused as one over the rate limit, before it can stall a worker for long.
    fail(ErrorCode::kRateLimited,
         "more than " + std::to_string(context_.limits.max_unanswered_messages) +
             " messages sent without waiting for their answers",
         CloseCode::policy_error);
  } else if (busy_) {
    inbox_.push_back(std::move(frame));
  } else {
    handle_frame(std::move(frame));
  }
  read_next();
}

template <class Stream>
std::size_t WsSession<Stream>::announced_rest() const {
  if (ws_.is_message_done()) return 0;
  // With an initial size of 1, Beast's hint is the payload its current frame header still
  // announces (at least 1). No permessage-deflate: the hint counts message bytes.
  const std::size_t rest = ws_.read_size_hint(1);
  return rest > 1 ? rest : 0;
}

template <class Stream>
void WsSession<Stream>::handle_frame(std::string frame) {
  busy_ = true;
  asio::post(context_.store_pool, [self = this->shared_from_this(), frame = std::move(frame)] {
    Outcome outcome;
    try {
      outcome.reply = self->context_.service.handle_frame(*self->connection_, frame);
      // Serialised here too: a full page is megabytes, not for an I/O thread.
      for (const auto& message : outcome.reply.messages) outcome.bytes.push_back(message.SerializeAsString());
    } catch (const std::exception& e) {  // handle_frame promises not to throw; a slip must not kill the worker
      outcome.internal_error = e.what();
    }
    asio::post(self->executor_,
               [self, outcome = std::move(outcome)]() mutable { self->on_reply(std::move(outcome)); });
  });
}

template <class Stream>
void WsSession<Stream>::on_reply(Outcome outcome) {
  busy_ = false;
  replica_ = replica_text(connection_);
  if (finished_) {
    // The stream failed meanwhile: finish() left the goodbye to us.
    context_.service.disconnect(*connection_);
    return;
  }
  if (!outcome.internal_error.empty()) {
    spdlog::error("event=ws_internal_error user={} remote={} error={}", principal_.user, remote_,
                  quote_field(outcome.internal_error));
    fail(ErrorCode::kInternal, "internal error", CloseCode::internal_error);
  } else {
    deliver_reply(outcome);
  }
  // Live batches held back while the message was away follow its reply.
  while (!held_.empty()) {
    std::string bytes = std::move(held_.front());
    held_.pop_front();
    enqueue_bytes(std::move(bytes));
  }
  held_bytes_ = 0;
  // The next message read meanwhile, in order; reading stays on unless the inbox is full.
  if (!inbox_.empty() && !closing_) {
    std::string frame = std::move(inbox_.front());
    inbox_.pop_front();
    handle_frame(std::move(frame));
  }
  if (!reading_) read_next();
}

template <class Stream>
void WsSession<Stream>::deliver_reply(Outcome& outcome) {
  const Reply& reply = outcome.reply;
  if (!hello_done_ && connection_->replica) {
    hello_done_ = true;
    handshake_timer_.cancel();
    std::int64_t skew = 0;
    for (const auto& message : reply.messages) {
      if (message.has_welcome()) skew = message.welcome().client_clock_skew_ms();
    }
    spdlog::info("event=ws_hello user={} replica={} remote={} clock_skew_ms={}", principal_.user, replica_,
                 remote_, skew);
  }
  for (auto& bytes : outcome.bytes) enqueue_bytes(std::move(bytes));
  if (reply.close) {
    std::string reason = "closed after a fatal error";
    for (const auto& message : reply.messages) {
      if (message.has_error()) {
        reason = std::string(error_code_name(static_cast<ErrorCode>(message.error().code()))) + ": " +
                 message.error().message();
      }
    }
    begin_close(CloseCode::policy_error, reason);
  }
}

template <class Stream>
void WsSession<Stream>::deliver(proto::Envelope message) {
  if (pending_deliveries_.fetch_add(1) >= context_.limits.send_queue_messages) {
    pending_deliveries_.fetch_sub(1);
    if (!overflowed_.exchange(true)) asio::post(executor_, [self = this->shared_from_this()] { self->on_overflow(); });
    return;
  }
  // Serialised here, on the fan-out's worker, not on the I/O thread.
  asio::post(executor_, [self = this->shared_from_this(), bytes = message.SerializeAsString()]() mutable {
    self->pending_deliveries_.fetch_sub(1);
    self->on_delivery(std::move(bytes));
  });
}

template <class Stream>
void WsSession<Stream>::on_delivery(std::string bytes) {
  if (closing_ || finished_) return;
  if (!busy_) return enqueue_bytes(std::move(bytes));
  if (held_.size() + send_queue_.size() >= context_.limits.send_queue_messages ||
      (!held_.empty() && held_bytes_ + bytes.size() > context_.limits.send_queue_bytes)) {
    return on_overflow();
  }
  held_bytes_ += bytes.size();
  held_.push_back(std::move(bytes));
}

template <class Stream>
void WsSession<Stream>::enqueue(const proto::Envelope& message) {
  if (closing_ || finished_) return;
  enqueue_bytes(message.SerializeAsString());
}

template <class Stream>
void WsSession<Stream>::enqueue_bytes(std::string bytes) {
  if (closing_ || finished_) return;
  if (send_queue_.size() >= context_.limits.send_queue_messages ||
      (!send_queue_.empty() && queued_bytes() + bytes.size() > context_.limits.send_queue_bytes)) {
    return on_overflow();
  }
  send_queue_.push_back(std::move(bytes));
  if (!writing_ && accepted_) write_next();
}

template <class Stream>
std::size_t WsSession<Stream>::queued_bytes() const {
  std::size_t total = 0;  // at most send_queue_messages strings: summing beats bookkeeping
  for (const auto& bytes : send_queue_) total += bytes.size();
  return total;
}

template <class Stream>
void WsSession<Stream>::write_next() {
  writing_ = true;
  ws_.async_write(asio::buffer(send_queue_.front()), beast::bind_front_handler(&WsSession::on_write, this->shared_from_this()));
}

template <class Stream>
void WsSession<Stream>::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (!send_queue_.empty()) send_queue_.pop_front();
  if (ec || finished_) {
    // The stream has failed; the pending read ends with an error too and finishes us.
    send_queue_.clear();
    if (end_reason_.empty()) end_reason_ = "write failed: " + ec.message();
    return;
  }
  ++frames_out_;
  if (!send_queue_.empty()) return write_next();
  close_when_flushed();
}

template <class Stream>
void WsSession<Stream>::on_overflow() {
  if (closing_ || finished_) return;
  spdlog::warn("event=ws_send_queue_full user={} replica={} remote={} messages={} bytes={}", principal_.user,
               replica_, remote_, send_queue_.size() + held_.size(), queued_bytes() + held_bytes_);
  held_.clear();
  held_bytes_ = 0;
  // Nothing is lost: the client reconnects and pulls from its checkpoint. Keep only the
  // message being written (its buffer is in use).
  if (writing_) {
    send_queue_.erase(send_queue_.begin() + 1, send_queue_.end());
  } else {
    send_queue_.clear();
  }
  begin_close(CloseCode::policy_error, "send queue full: reconnect and pull");
}

template <class Stream>
void WsSession<Stream>::shutdown() {
  asio::post(executor_, [self = this->shared_from_this()] { self->on_shutdown(); });
}

template <class Stream>
void WsSession<Stream>::on_shutdown() {
  if (finished_ || closing_) return;
  if (!accepted_) {
    closing_ = true;
    close_reason_ = websocket::close_reason(CloseCode::going_away, "server shutting down");
    end_reason_ = "server shutting down";
    beast::get_lowest_layer(ws_).close();  // the pending upgrade fails and finishes the session
    return;
  }
  if (send_queue_.size() < context_.limits.send_queue_messages) {
    enqueue(SyncService::error_message(ErrorCode::kShuttingDown, "the server is shutting down; reconnect later", true));
  }
  begin_close(CloseCode::going_away, "server shutting down");
}

// The service ended this connection (its token was revoked, its user disabled).
template <class Stream>
void WsSession<Stream>::end(proto::Envelope error) {
  asio::post(executor_, [self = this->shared_from_this(), error = std::move(error)] { self->on_end(error); });
}

template <class Stream>
void WsSession<Stream>::on_end(const proto::Envelope& error) {
  if (finished_ || closing_) return;
  const std::string reason = std::string(error_code_name(static_cast<ErrorCode>(error.error().code()))) + ": " +
                             error.error().message();
  if (!accepted_) {  // still in the upgrade: nothing can be sent yet
    closing_ = true;
    end_reason_ = reason;
    beast::get_lowest_layer(ws_).close();
    return;
  }
  enqueue(error);
  begin_close(CloseCode::policy_error, reason);
}

template <class Stream>
void WsSession<Stream>::fail(ErrorCode code, const std::string& text, CloseCode close_code) {
  context_.metrics.error(code);
  enqueue(SyncService::error_message(code, text, true));
  begin_close(close_code, std::string(error_code_name(code)) + ": " + text);
}

template <class Stream>
void WsSession<Stream>::begin_close(CloseCode code, const std::string& reason) {
  if (closing_) return;
  closing_ = true;
  close_reason_ = websocket::close_reason(code, close_text(reason));
  end_reason_ = reason;
  close_when_flushed();
}

template <class Stream>
void WsSession<Stream>::close_when_flushed() {
  if (!closing_ || close_started_ || writing_ || !send_queue_.empty() || !accepted_ || finished_) return;
  close_started_ = true;
  ws_.async_close(close_reason_, [self = this->shared_from_this()](beast::error_code ec) {
    if (ec) spdlog::debug("event=ws_close_failed user={} remote={} error={}", self->principal_.user, self->remote_,
                          quote_field(ec.message()));
  });
}

template <class Stream>
void WsSession<Stream>::finish(beast::error_code ec) {
  if (finished_) return;
  finished_ = true;
  handshake_timer_.cancel();

  std::string reason = end_reason_;
  if (ec == websocket::error::message_too_big) {
    // Beast's backstop tripped and it failed the connection with close code 1009 itself:
    // there was no way left to send an Error envelope first.
    context_.metrics.error(ErrorCode::kTooLarge);
    reason = "too_large: a message over " + std::to_string(context_.limits.max_frame_bytes * kBackstopFactor) + " bytes";
  } else if (reason.empty()) {
    if (ec == websocket::error::closed) {
      reason = "closed by the client (code " + std::to_string(static_cast<unsigned>(ws_.reason().code)) + ")";
    } else if (ec == beast::error::timeout) {
      reason = accepted_ ? "idle timeout: no answer to pings" : "handshake timeout during the upgrade";
      context_.metrics.error(ErrorCode::kTimeout);
    } else {
      reason = "connection lost: " + ec.message();
    }
  }
  // A store worker still using the connection says goodbye when it hands the reply back.
  if (connection_ && !busy_) context_.service.disconnect(*connection_);
  held_.clear();
  // Queued messages will never go out; the one being written keeps its buffer until its
  // handler runs.
  send_queue_.erase(writing_ ? send_queue_.begin() + 1 : send_queue_.begin(), send_queue_.end());

  const auto lived = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - opened_at_);
  spdlog::info("event=ws_closed user={} replica={} remote={} reason={} frames_in={} frames_out={} duration_ms={}",
               principal_.user, replica_, remote_, quote_field(reason), frames_in_, frames_out_,
               lived.count());
}

template class WsSession<PlainStream>;
template class WsSession<TlsStream>;

}  // namespace fieldsync::server
