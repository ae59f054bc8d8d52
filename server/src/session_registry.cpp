#include "session_registry.hpp"

#include <vector>

namespace fieldsync::server {

SessionRegistry::Registration& SessionRegistry::Registration::operator=(Registration&& other) noexcept {
  if (this != &other) {
    reset();
    registry_ = other.registry_;
    id_ = other.id_;
    other.registry_ = nullptr;
  }
  return *this;
}

void SessionRegistry::Registration::reset() {
  if (registry_) registry_->remove(id_);
  registry_ = nullptr;
}

SessionRegistry::Registration SessionRegistry::add(const std::weak_ptr<Stoppable>& session) {
  bool stopping = false;
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    sessions_.emplace(id, session);
    stopping = stopping_;
  }
  if (stopping) {
    if (auto s = session.lock()) s->shutdown();
  }
  return Registration(this, id);
}

void SessionRegistry::stop_all() {
  std::vector<std::shared_ptr<Stoppable>> open;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (const auto& [id, weak] : sessions_) {
      if (auto s = weak.lock()) open.push_back(std::move(s));
    }
  }
  // Outside the lock: dropping the last reference to a session destroys it, and its
  // Registration takes the lock to remove itself.
  for (const auto& s : open) s->shutdown();
}

bool SessionRegistry::wait_empty(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return empty_.wait_for(lock, timeout, [this] { return sessions_.empty(); });
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void SessionRegistry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
  if (sessions_.empty()) empty_.notify_all();
}

}  // namespace fieldsync::server
