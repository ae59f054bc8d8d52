#pragma once

// The storage side of a bulk load on a thread of its own: while it applies one page, the
// connection's thread reads and decodes the next (the issue's "decode and network
// overlapped with storage"). One page waits at most besides the one being applied, so
// memory stays bounded by a few pages whatever the size of the load.
//
// The pages' Replica is used by the writer's thread only between submit() and the
// wait_idle() that returns after it: the owner calls wait_idle() before it uses the
// Replica itself again (the queue's mutex orders the two threads' uses).

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/record_state.hpp"
#include "fieldsync/core/state_digest.hpp"

namespace fieldsync {

// One page of a pull: the states to merge with the digests of the bytes they came in, the
// digests of held states the server left out (Batch.unchanged), and the checkpoint stored
// with them.
struct PulledPage {
  std::vector<RecordState> states;
  std::vector<StateDigest> digests;  // one per state
  std::string unchanged;  // kStateDigestBytes each
  std::uint64_t checkpoint = 0;
};

class PageWriter {
 public:
  // Applies one page (runs on the writer's thread).
  using Apply = std::function<void(PulledPage& page)>;

  explicit PageWriter(Apply apply);
  PageWriter(const PageWriter&) = delete;
  PageWriter& operator=(const PageWriter&) = delete;
  // Finishes the page being applied, drops the waiting one and joins.
  ~PageWriter();

  // Queues a page; waits while another one is waiting already. Throws the error of a page
  // that failed (and queues nothing after it).
  void submit(PulledPage page);
  // Returns once every queued page is applied; throws the error of one that failed.
  void wait_idle();

 private:
  void run(const std::stop_token& stop);
  void throw_if_failed();  // with mutex_ held

  Apply apply_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  std::deque<PulledPage> waiting_;
  bool applying_ = false;
  std::optional<Error> error_;
  std::jthread thread_;  // last: it starts once the members above exist
};

}  // namespace fieldsync
