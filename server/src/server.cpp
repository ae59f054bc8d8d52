#include "fieldsync/server/server.hpp"

#include <atomic>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>

#include "fieldsync/server/scope.hpp"
#include "store_selection.hpp"
#include "fieldsync/server/sync_service.hpp"
#include "fd_limit.hpp"
#include "listener.hpp"
#include "log_fields.hpp"
#include "periodic_task.hpp"
#include "server_context.hpp"
#include "session_registry.hpp"
#include "tls_context.hpp"

namespace fieldsync::server {
namespace asio = boost::asio;

namespace {

// On top of the handshake timeout (which bounds a WebSocket closing handshake), how long
// stop() waits for sessions to finish before dropping what is left.
constexpr std::chrono::seconds kStopGrace{1};

// validate_config() has vouched for every entry.
std::vector<asio::ip::address> parse_addresses(const std::vector<std::string>& texts) {
  std::vector<asio::ip::address> addresses;
  for (const auto& text : texts) addresses.push_back(asio::ip::make_address(text));
  return addresses;
}

}  // namespace

// Members are declared in dependency order: the io_context is destroyed first, and with it
// every handler and session still queued, while the service, store and registry they
// reach into are still alive.
struct Server::Impl {
  Impl(ServerConfig cfg, std::unique_ptr<Store> given_store, const Clock* given_clock)
      : config(std::move(cfg)),
        clock(given_clock ? given_clock : &system_clock),
        tls(make_tls_context(config)),
        store(given_store ? std::move(given_store) : open_configured_store(config, Schema::domain(), *clock)),
        store_pool(config.store_threads),
        service(*store, Schema::domain(), config.limits, metrics, *clock,
                [this](std::function<void()> task) { asio::post(store_pool, std::move(task)); }),
        scope(Schema::domain(), *store),
        trusted_proxies(parse_addresses(config.trusted_proxies)),
        context{service, *store, metrics, Schema::domain(), scope, config.limits, sessions, tls.get(),
                config.allow_plaintext, store_pool, enrolment, *clock, trusted_proxies},
        ioc(static_cast<int>(config.threads)),
        collection_timer(ioc) {}

  TombstoneCollection collect_tombstones() {
    const auto horizon = static_cast<std::uint64_t>(config.tombstones.horizon.count());
    const TombstoneCollection done = service.collect_tombstones(horizon);
    spdlog::info("event=tombstones_collected records={} up_to_seq={} replicas_waited_for={} collected_seq={}",
                 done.records, done.up_to_seq, done.replicas_waited_for, done.collected_seq);
    return done;
  }

  // Removes the audit entries older than config.audit.retention (0: keeps them all).
  std::size_t prune_audit() {
    const auto retention = static_cast<std::uint64_t>(config.audit.retention.count());
    if (retention == 0) return 0;
    const std::uint64_t now = clock->now_ms();
    const std::size_t removed = store->prune_audit(now > retention ? now - retention : 0);
    spdlog::info("event=audit_pruned entries={} retention_days={}", removed, retention / (24ULL * 3600 * 1000));
    return removed;
  }

  // Collects tombstones and prunes the audit log every config.tombstones.interval: the
  // timer runs on the I/O threads, the work on a store worker. A round still running when
  // the next is due makes that one skip.
  void schedule_collection() {
    if (config.tombstones.interval.count() <= 0) return;
    collection_timer.expires_after(config.tombstones.interval);
    collection_timer.async_wait([this](boost::system::error_code ec) {
      if (ec) return;  // cancelled: the server is stopping
      if (!collecting.exchange(true)) {
        asio::post(store_pool, [this] {
          try {
            collect_tombstones();
          } catch (const std::exception& e) {
            spdlog::error("event=tombstone_collection_failed error={}", quote_field(e.what()));
          }
          try {
            prune_audit();
          } catch (const std::exception& e) {
            spdlog::error("event=audit_pruning_failed error={}", quote_field(e.what()));
          }
          collecting.store(false);
        });
      }
      schedule_collection();
    });
  }

  // Open connections checked against revocations and user changes, on a thread of its own
  // (the lookups wait on the store). The same tick asks for a fan-out pass: a commit whose
  // signal was lost (Store::on_commit) reaches live phones within the interval.
  void check_accounts() {
    service.request_fanout();
    try {
      const AccountCheck done = service.check_accounts();
      if (done.ended || done.rescoped) {
        spdlog::info("event=accounts_changed connections_ended={} connections_rescoped={}", done.ended, done.rescoped);
      }
    } catch (const std::exception& e) {
      spdlog::error("event=account_check_failed error={}", quote_field(e.what()));
    }
  }

  ServerConfig config;
  SystemClock system_clock;
  const Clock* clock;
  // Loaded before the store is opened, so that a bad certificate stops the start without
  // touching the data directory; outlives the io_context, whose TLS streams use it.
  std::unique_ptr<asio::ssl::context> tls;
  std::unique_ptr<Store> store;
  Metrics metrics;
  // Before the service, whose fan-out posts to it; joined by stop().
  asio::thread_pool store_pool;
  SyncService service;
  ScopePolicy scope;
  SessionRegistry sessions;
  EnrolmentGuard enrolment;
  std::vector<asio::ip::address> trusted_proxies;
  ServerContext context;
  asio::io_context ioc;
  asio::steady_timer collection_timer;
  std::atomic<bool> collecting{false};
  std::shared_ptr<Listener> listener;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  bool started = false;
  bool stopped = false;
  // Last: stopped (and destroyed) before anything it reaches.
  std::optional<PeriodicTask> account_checks;
};

Server::Server(ServerConfig config, const Clock* clock) : Server(std::move(config), nullptr, clock) {}

Server::Server(ServerConfig config, std::unique_ptr<Store> store, const Clock* clock) {
  validate_config(config);
  validate_transport(config);
  impl_ = std::make_unique<Impl>(std::move(config), std::move(store), clock);
}

Server::~Server() { stop(); }

void Server::start() {
  Impl& s = *impl_;
  if (s.started) throw Error(ErrorCode::kInvalidArgument, "the server was already started");
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(s.config.address, ec);
  if (ec) throw Error(ErrorCode::kInvalidArgument, "'" + s.config.address + "' is not an IP address");
  // A server that runs out of descriptors cannot even answer /healthz: take every one the
  // system allows, and cap connections below that.
  const std::uint64_t descriptors = raise_descriptor_limit();
  const ConnectionCaps caps = connection_caps(s.config.limits, descriptors);
  if (caps.lowered) {
    spdlog::warn("event=limit_lowered key=max_connections configured={} now={} reason={}",
                 s.config.limits.max_connections, caps.total,
                 quote_field("the process may open only " + std::to_string(descriptors) + " descriptors"));
  }
  s.listener =
      std::make_shared<Listener>(s.ioc, asio::ip::tcp::endpoint(address, s.config.port), s.context, caps);
  s.port = s.listener->port();
  s.listener->run();
  s.started = true;
  s.schedule_collection();
  s.account_checks.emplace(s.config.limits.account_check_interval, [&s] { s.check_accounts(); });
  // spdlog's registry is a function-local static inside libspdlog, whose initialisation
  // ThreadSanitizer cannot see: made here, before the I/O threads, it is ordered for them.
  spdlog::default_logger_raw();
  for (unsigned i = 0; i < s.config.threads; ++i) {
    s.threads.emplace_back([&ioc = s.ioc] {
      // Handlers do not throw by design; if one slips, log it and keep the thread serving
      // rather than take the process down.
      for (;;) {
        try {
          ioc.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("event=handler_exception error={}", quote_field(e.what()));
        }
      }
    });
  }
  // What a client must use: tls=on means wss:// and https://; plaintext says whether ws://
  // and http:// are served too.
  spdlog::info(
      "event=server_started address={} port={} data_dir={} threads={} store_threads={} durable={} tls={} "
      "plaintext={} max_connections={} max_connections_per_address={} descriptors={}",
      s.config.address, s.port, quote_field(s.config.data_dir.string()), s.config.threads, s.config.store_threads,
      s.config.durable,
      s.tls ? "on" : "off", !s.tls || s.config.allow_plaintext ? "served" : "refused", caps.total, caps.per_address,
      descriptors);
}

std::uint16_t Server::port() const { return impl_->port; }

std::size_t Server::open_connections() const { return impl_->listener ? impl_->listener->open_connections() : 0; }

void Server::stop() {
  Impl& s = *impl_;
  if (!s.started || s.stopped) return;
  s.stopped = true;
  spdlog::info("event=server_stopping sessions={}", s.sessions.size());
  s.account_checks.reset();
  s.listener->stop();
  s.sessions.stop_all();
  const auto grace = s.config.limits.handshake_timeout + kStopGrace;
  if (!s.sessions.wait_empty(std::chrono::duration_cast<std::chrono::milliseconds>(grace))) {
    spdlog::warn("event=server_stop_forced sessions={} reason={}", s.sessions.size(),
                 quote_field("sessions did not close in time; dropping them"));
  }
  s.service.stop_fanout();
  s.ioc.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  // Store work under way finishes (a push commits); what it hands back to a session
  // stays queued in the stopped io_context and is dropped with it.
  s.store_pool.join();
  try {
    s.service.flush_checkpoints();
  } catch (const std::exception& e) {
    // Only delays tombstone collection: the replicas' next pulls say it again.
    spdlog::warn("event=checkpoints_not_recorded error={}", quote_field(e.what()));
  }
  // The posted close may not have run before the io_context stopped: close the listening
  // socket now, so that new connections are refused rather than left hanging.
  s.listener->close_now();
  spdlog::info("event=server_stopped");
}

TombstoneCollection Server::collect_tombstones() { return impl_->collect_tombstones(); }
std::size_t Server::prune_audit() { return impl_->prune_audit(); }
Store& Server::store() { return *impl_->store; }
Metrics& Server::metrics() { return impl_->metrics; }
const ServerConfig& Server::config() const { return impl_->config; }

}  // namespace fieldsync::server
