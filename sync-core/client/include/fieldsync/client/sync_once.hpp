#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "fieldsync/client/connection_options.hpp"
#include "fieldsync/core/client_sync.hpp"
#include "fieldsync/core/replica.hpp"

namespace fieldsync::client {

struct SyncOptions {
  ConnectionOptions connection;
  ClientSyncOptions sync;  // `live` is ignored: sync_once always finishes
  // Called on the syncing thread after the connection opened and after each message the
  // ClientSync handled (a progress bar, or a test making an edit mid-push). While a bulk
  // load stores its pages on a thread of its own (ClientSyncOptions::bulk_store_thread)
  // the Replica is that thread's: read the ClientSync's stats only, or turn the option off.
  std::function<void(const ClientSync&)> on_progress;
};

// Runs one sync on the calling thread, which must own `replica`: connect to `url`
// (wss://host:port/path, or ws:// where check_transport_allowed() permits it), authenticate with `token`, push the outbox, pull to the server's
// head, close. Returns the sync's statistics; throws Error when it did not finish (bad
// URL or token, server unreachable, connection lost, an error from the server). Nothing
// is lost on failure: unacknowledged edits stay in the outbox, the checkpoint stays at
// the last applied batch.
ClientSyncStats sync_once(Replica& replica, std::string_view url, const std::string& token,
                          const SyncOptions& options = {});

}  // namespace fieldsync::client
