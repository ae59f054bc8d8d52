#include "load_server.hpp"

#include <algorithm>

#include "common.hpp"
#include "fieldsync/core/error.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"
#include "fieldsync/core/state_codec.hpp"
#include "fieldsync/tools/progress_bar.hpp"
#include "raw_session.hpp"

namespace fieldsync::loadgen {

void load_server(const std::string& url, const std::string& token, const std::vector<std::string>& territories,
                 std::size_t count, std::size_t batch, bool progress) {
  Replica loader = Replica::open(":memory:", Schema::domain());
  {
    tools::ProgressBar line("setup: creating customers", count, progress, "");
    for (std::size_t done = 0; done < count;) {
      const std::size_t end = std::min(count, done + 1000);
      loader.transaction([&] {
        for (std::size_t n = done; n < end; ++n) loader.create("customers", customer_fields(n, territories[n % territories.size()]));
      });
      done = end;
      line.update(done);
    }
  }
  HelloFields hello;
  hello.replica_id = std::string(loader.replica_id().raw());
  hello.counter = loader.counter();
  hello.client_name = "fieldsync-loadgen loader";
  RawSession session(url, token, hello);
  tools::ProgressBar line("setup: pushing to the server", count, progress, "");
  std::uint64_t after = 0;
  std::size_t pushed = 0;
  for (;;) {
    ChangeBatch page = loader.changes_since(after, batch);
    if (page.states.empty()) break;
    proto::Envelope message;
    auto* push = message.mutable_push();
    for (const auto& state : page.states) append_wire_state(*push->add_records(), state);
    const proto::Envelope reply = session.request(std::move(message));
    if (!reply.has_ack()) throw Error(ErrorCode::kProtocol, "setup: no ack for a push");
    if (reply.ack().rejected_size() > 0) {
      throw Error(ErrorCode::kForbidden, "setup: the server refused records: " + reply.ack().rejected(0).reason());
    }
    pushed += page.states.size();
    line.update(pushed);
    after = page.to_seq;
    if (!page.more) break;
  }
  session.close();
}

}  // namespace fieldsync::loadgen
