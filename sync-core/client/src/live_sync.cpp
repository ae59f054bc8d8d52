#include "fieldsync/client/live_sync.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>

#include "fieldsync/client/sync_outcome.hpp"
#include "fieldsync/client/tls.hpp"

namespace fieldsync::client {

namespace net = boost::asio;

LiveSync::LiveSync(Replica& replica, std::string_view url, std::string token, LiveOptions options)
    : replica_(&replica),
      url_(parse_ws_url(url)),
      token_(std::move(token)),
      options_(std::move(options)),
      strand_(net::make_strand(io_)),
      retry_timer_(strand_),
      backoff_(options_.backoff, options_.backoff_seed) {
  options_.sync.sync.live = true;
  // Fail here, on the caller's thread, for what no retry can cure: a ws:// URL that is not
  // allowed, a CA file that cannot be used.
  check_transport_allowed(url_, options_.sync.connection);
  if (url_.tls) (void)make_client_tls_context(options_.sync.connection);
}

LiveSync::~LiveSync() {
  // Handlers still queued refer to this object; drop them before the members go.
  io_.stop();
}

void LiveSync::run() {
  work_.emplace(io_.get_executor());
  net::dispatch(strand_, [this] {
    if (stop_requested_) return finish_run();
    connect();
  });
  io_.run();
  if (fatal_) throw *fatal_;
}

void LiveSync::stop() {
  stop_requested_ = true;
  net::post(strand_, [this] {
    if (stopping_) return;
    stopping_ = true;
    retry_timer_.cancel();
    if (client_) {
      client_->close();  // its kClosed event ends the run
    } else {
      finish_run();
    }
  });
}

void LiveSync::notify_local_change() {
  net::post(strand_, [this] {
    if (sync_) sync_->on_local_change();
  });
}

void LiveSync::connect() {
  ++status_.connections;
  status_.connected = false;
  status_.caught_up = false;
  status_.retry_in = {};
  try {
    client_ = std::make_shared<WebSocketClient>(strand_, url_, token_, options_.sync.connection);
  } catch (const Error& e) {
    // The CA file went away since the constructor checked it: report and stop, as for a
    // refused token, rather than throw into Asio.
    status_.last_error = e;
    fatal_ = e;
    report();
    return finish_run();
  }
  sync_ = std::make_unique<ClientSync>(*replica_, *client_, options_.sync.sync);
  client_->start(*sync_, [this](WebSocketClient::Event event) { on_client_event(event); });
}

void LiveSync::on_client_event(WebSocketClient::Event event) {
  // The owner's callbacks may read the Replica: a bulk load's pages are stored first.
  sync_->settle();
  status_.phase = sync_->phase();
  status_.stats = sync_->stats();
  if (event != WebSocketClient::Event::kClosed) {
    status_.connected = true;
    if (sync_->caught_up() && !status_.caught_up) {
      status_.caught_up = true;
      backoff_.reset();  // this connection worked: the next outage starts with a short wait
    }
    if (options_.sync.on_progress) options_.sync.on_progress(*sync_);
    return report();
  }

  status_.connected = false;
  status_.last_error = sync_failure(*client_, *sync_);
  // The client is inside its own handler (which keeps it alive); the ClientSync is done.
  sync_.reset();
  client_.reset();
  if (stopping_) return finish_run();
  if (status_.last_error && is_permanent(*status_.last_error)) {
    fatal_ = status_.last_error;
    report();
    return finish_run();
  }
  status_.retry_in = backoff_.next();
  report();
  retry_timer_.expires_after(status_.retry_in);
  retry_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopping_) return;
    connect();
  });
}

void LiveSync::report() {
  if (!options_.on_status) return;
  try {
    options_.on_status(status_);
  } catch (...) {
    // The owner's callback must not unwind into Asio.
  }
}

void LiveSync::finish_run() {
  stopping_ = true;
  retry_timer_.cancel();
  work_.reset();
}

}  // namespace fieldsync::client
