#pragma once

#include <span>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/thread_pool.hpp>

#include "fieldsync/core/clock.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/server/limits.hpp"
#include "fieldsync/server/metrics.hpp"
#include "fieldsync/server/scope.hpp"
#include "fieldsync/server/store.hpp"
#include "fieldsync/server/sync_service.hpp"
#include "enrolment_guard.hpp"
#include "session_registry.hpp"

namespace boost::asio::ssl {
class context;
}

namespace fieldsync::server {

// What every session needs from the server, owned by Server and outliving every session
// (the Server destroys its io_context, and with it any session left, before these).
struct ServerContext {
  SyncService& service;
  Store& store;
  Metrics& metrics;
  const Schema& schema;
  const ScopePolicy& scope;
  const Limits& limits;
  SessionRegistry& sessions;
  // TLS on the port (wss://, https://), or nullptr: plaintext only.
  boost::asio::ssl::context* tls;
  // With TLS: plaintext connections are served too, instead of refused with a 400.
  bool allow_plaintext;
  // Where store calls run (ServerConfig::store_threads): sessions post their requests'
  // work here and take the result back to their strand. Nothing an I/O thread runs waits
  // on the store.
  boost::asio::thread_pool& store_pool;
  // Bounds the guessing of enrolment codes (POST /api/enrol).
  EnrolmentGuard& enrolment;
  const Clock& clock;
  // ServerConfig::trusted_proxies, parsed: whose X-Forwarded-For names the client.
  std::span<const boost::asio::ip::address> trusted_proxies;
};

}  // namespace fieldsync::server
