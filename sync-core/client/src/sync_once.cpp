#include "fieldsync/client/sync_once.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "fieldsync/client/sync_outcome.hpp"
#include "fieldsync/client/websocket_client.hpp"
#include "fieldsync/client/ws_url.hpp"

namespace fieldsync::client {

namespace {

ClientSyncStats sync_attempt(Replica& replica, std::string_view url, const std::string& token,
                             const SyncOptions& options) {
  WsUrl target = parse_ws_url(url);
  boost::asio::io_context io(1);
  auto client = std::make_shared<WebSocketClient>(boost::asio::make_strand(io), std::move(target), token,
                                                  options.connection);
  ClientSyncOptions sync_options = options.sync;
  sync_options.live = false;
  ClientSync sync(replica, *client, sync_options);
  client->start(sync, [&](WebSocketClient::Event event) {
    if (event == WebSocketClient::Event::kClosed) {
      // Done. Beast's own handshake and close timers may still be armed: do not wait
      // for them to expire.
      return io.stop();
    }
    if (options.on_progress) options.on_progress(sync);
  });
  // Runs until the connection is over: every handler, and so every use of the replica,
  // is on this thread.
  io.run();
  if (auto failure = sync_failure(*client, sync)) throw *failure;
  return sync.stats();
}

}  // namespace

ClientSyncStats sync_once(Replica& replica, std::string_view url, const std::string& token,
                          const SyncOptions& options) {
  try {
    return sync_attempt(replica, url, token, options);
  } catch (const Error& e) {
    // ClientSync has already taken a new replica id: the second attempt goes through.
    if (e.code() != ErrorCode::kReplicaIdReused) throw;
    return sync_attempt(replica, url, token, options);
  }
}

}  // namespace fieldsync::client
