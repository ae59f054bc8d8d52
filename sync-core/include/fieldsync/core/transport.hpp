#pragma once

#include "fieldsync/sync.pb.h"

namespace fieldsync {

// A connection to a sync server as the engine sees it: something that carries Envelopes.
// Implemented by the Beast WebSocket client and by in-process loopbacks in tests.
// send() must not call back into the ClientSync that called it.
class Transport {
 public:
  virtual ~Transport() = default;
  // Queues one message for the server, in order.
  virtual void send(proto::Envelope message) = 0;
  // Ends the connection (after a fatal error or when a one-shot sync is done).
  virtual void close() = 0;
};

}  // namespace fieldsync
