#pragma once

// Runs a piece of work in a forked child process and SIGKILLs it mid-flight.
//
// The child reports progress by writing one byte to a pipe after each unit of work it has
// committed; the parent waits for the first byte (or the first `after_units` bytes: a kill
// at a chosen point of the work, whatever the machine's speed), keeps draining the pipe for
// the chosen delay, kills the child, and counts every byte the child managed to send. The child never returns into the caller's code (and so never
// into GoogleTest): it leaves with _exit.

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace fieldsync::test {

// Exit codes a child uses when it stops by itself; any of them fails the test.
enum ChildExit : int { kChildError = 3, kChildBadStart = 4, kChildOutOfWork = 5 };

struct KilledChild {
  std::size_t units_reported = 0;  // progress bytes read from the pipe
  bool killed_by_us = false;       // died of our SIGKILL, not on its own
  std::string failure;             // empty, or why the round is not a valid crash
};

// `work` runs in the child with the pipe's write end; it must report each committed unit
// with report_progress() and never return (a return counts as kChildOutOfWork).
KilledChild run_and_kill(const std::function<void(int progress_fd)>& work, std::chrono::microseconds delay,
                         std::size_t after_units = 1);

// One progress byte from the child; _exits the child if the parent is gone.
void report_progress(int progress_fd);

}  // namespace fieldsync::test
