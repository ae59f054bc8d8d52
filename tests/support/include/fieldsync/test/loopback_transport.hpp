#pragma once

// The client side of a connection to an in-process SyncService (no sockets): each message
// is handled at once and the replies are queued for the ClientSync. For tests that need to
// step into the conversation: fail the server's database before a push, or change what the
// server answers (a buggy or hostile server). Link fieldsync::server to use it.

#include <deque>
#include <functional>
#include <utility>

#include "fieldsync/core/client_sync.hpp"
#include "fieldsync/core/transport.hpp"
#include "fieldsync/server/sync_service.hpp"

namespace fieldsync::test {

class Loopback final : public Transport {
 public:
  Loopback(server::SyncService& service, server::Connection& connection) : service_(service), connection_(connection) {}

  void send(proto::Envelope message) override {
    if (closed_) return;
    if (message.has_push() && on_push) on_push();
    server::Reply reply = service_.handle(connection_, message);
    for (auto& m : reply.messages) {
      if (on_reply) on_reply(m);
      inbox_.push_back(std::move(m));
    }
    if (reply.close) closed_ = true;
  }
  void close() override { closed_ = true; }

  // Runs a ClientSync until it has nothing left to do.
  void run(ClientSync& sync) {
    sync.on_open();
    while (!inbox_.empty()) {
      proto::Envelope next = std::move(inbox_.front());
      inbox_.pop_front();
      sync.on_message(next);
    }
    sync.on_closed();
  }

  std::function<void()> on_push;                     // called before each push is handled
  std::function<void(proto::Envelope&)> on_reply;  // may change each reply before the client reads it

 private:
  server::SyncService& service_;
  server::Connection& connection_;
  std::deque<proto::Envelope> inbox_;
  bool closed_ = false;
};

}  // namespace fieldsync::test
