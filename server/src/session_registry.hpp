#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

namespace fieldsync::server {

// A connection the server can ask to end (on stop()). shutdown() may be called from any
// thread: implementations post the work to their strand.
class Stoppable {
 public:
  virtual ~Stoppable() = default;
  virtual void shutdown() = 0;
};

// Every open HTTP and WebSocket session, so that stop() can close them and wait until they
// are gone. Sessions hold a Registration, which removes them when the session is
// destroyed: the registry is empty exactly when no session object is left. Thread-safe.
class SessionRegistry {
 public:
  class Registration {
   public:
    Registration() = default;
    Registration(SessionRegistry* registry, std::uint64_t id) : registry_(registry), id_(id) {}
    Registration(Registration&& other) noexcept : registry_(other.registry_), id_(other.id_) { other.registry_ = nullptr; }
    Registration& operator=(Registration&& other) noexcept;
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    ~Registration() { reset(); }

   private:
    void reset();
    SessionRegistry* registry_ = nullptr;
    std::uint64_t id_ = 0;
  };

  // Registers a session. If the server is already stopping, the session is told to shut
  // down at once (a connection accepted just before stop() must not outlive it).
  [[nodiscard]] Registration add(const std::weak_ptr<Stoppable>& session);

  // Marks the registry stopping and asks every session to shut down.
  void stop_all();
  // Waits until every session is gone; false if some are still there after `timeout`.
  bool wait_empty(std::chrono::milliseconds timeout);
  std::size_t size() const;

 private:
  void remove(std::uint64_t id);

  mutable std::mutex mutex_;
  std::condition_variable empty_;
  std::map<std::uint64_t, std::weak_ptr<Stoppable>> sessions_;
  std::uint64_t next_id_ = 1;
  bool stopping_ = false;
};

}  // namespace fieldsync::server
