#include "page_writer.hpp"

#include <exception>
#include <utility>

namespace fieldsync {
namespace {
constexpr std::size_t kMaxWaitingPages = 1;
}  // namespace

PageWriter::PageWriter(Apply apply)
    : apply_(std::move(apply)), thread_([this](const std::stop_token& stop) { run(stop); }) {}

PageWriter::~PageWriter() {
  {
    std::lock_guard lock(mutex_);
    waiting_.clear();
  }
  thread_.request_stop();  // wakes the wait in run() (condition_variable_any with a stop token)
}

void PageWriter::submit(PulledPage page) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return error_ || waiting_.size() < kMaxWaitingPages; });
  throw_if_failed();
  waiting_.push_back(std::move(page));
  changed_.notify_all();
}

void PageWriter::wait_idle() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return error_ || (waiting_.empty() && !applying_); });
  throw_if_failed();
}

void PageWriter::throw_if_failed() {
  if (error_) throw *error_;
}

void PageWriter::run(const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  while (changed_.wait(lock, stop, [&] { return !waiting_.empty(); })) {
    PulledPage page = std::move(waiting_.front());
    waiting_.pop_front();
    applying_ = true;
    changed_.notify_all();  // a submit waiting for room may go on
    lock.unlock();
    std::optional<Error> failure;
    try {
      apply_(page);
    } catch (const Error& e) {
      failure = e;
    } catch (const std::exception& e) {
      failure = Error(ErrorCode::kInternal, std::string("storing a pulled page failed: ") + e.what());
    }
    lock.lock();
    applying_ = false;
    if (failure && !error_) {
      error_ = std::move(failure);
      waiting_.clear();  // nothing after a failed page: the load is rolled back
    }
    changed_.notify_all();
  }
}

}  // namespace fieldsync
