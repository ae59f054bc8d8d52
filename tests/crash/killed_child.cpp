#include "killed_child.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <iostream>

namespace fieldsync::test {
namespace {

// Owns one file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

constexpr std::chrono::seconds kStartTimeout{10};

// Reads whatever the child sent within `timeout`; returns false at end of file.
bool drain(int fd, std::chrono::milliseconds timeout, std::size_t& bytes) {
  pollfd p{fd, POLLIN, 0};
  int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (ready <= 0) return true;
  char buffer[4096];
  ssize_t n = ::read(fd, buffer, sizeof buffer);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  bytes += static_cast<std::size_t>(n);
  return true;
}

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "the child exited by itself with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "the child died of signal " + std::to_string(WTERMSIG(status));
  return "the child stopped oddly (status " + std::to_string(status) + ")";
}

}  // namespace

void report_progress(int progress_fd) {
  const char unit = 'u';
  while (::write(progress_fd, &unit, 1) != 1) {
    if (errno != EINTR) ::_exit(kChildError);  // the parent is gone: nothing left to do
  }
}

KilledChild run_and_kill(const std::function<void(int)>& work, std::chrono::microseconds delay,
                         std::size_t after_units) {
  KilledChild result;
  int fds[2];
  if (::pipe(fds) != 0) {
    result.failure = "pipe() failed";
    return result;
  }
  Fd read_end(fds[0]);
  Fd write_end(fds[1]);
  std::cout.flush();
  std::fflush(nullptr);  // nothing buffered may be written twice
  const pid_t pid = ::fork();
  if (pid < 0) {
    result.failure = "fork() failed";
    return result;
  }
  if (pid == 0) {
    read_end.reset();
    try {
      work(write_end.get());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "crash child: %s\n", e.what());
      ::_exit(kChildError);
    } catch (...) {
      ::_exit(kChildError);
    }
    ::_exit(kChildOutOfWork);
  }
  write_end.reset();

  // Wait until the child has committed something (or `after_units`): then work is surely in flight.
  bool open = true;
  const auto start_deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (open && result.units_reported < after_units && std::chrono::steady_clock::now() < start_deadline) {
    open = drain(read_end.get(), std::chrono::milliseconds(100), result.units_reported);
  }
  const bool started = result.units_reported >= after_units && result.units_reported > 0;
  const auto kill_at = std::chrono::steady_clock::now() + delay;
  while (open && started) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(kill_at - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    open = drain(read_end.get(), left, result.units_reported);
  }
  ::kill(pid, SIGKILL);
  while (open) open = drain(read_end.get(), std::chrono::milliseconds(1000), result.units_reported);

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.killed_by_us = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  if (!started) {
    result.failure = "the child reported no progress before the timeout; " + describe_exit(status);
  } else if (!result.killed_by_us) {
    result.failure = describe_exit(status);
  }
  return result;
}

}  // namespace fieldsync::test
