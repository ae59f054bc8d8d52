#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fieldsync::server {

// One-time enrolment codes: 10 characters from an alphabet without the look-alikes 0/O,
// 1/I/L (31 symbols, 49.5 bits), shown in groups "K7QF-M2XA-9D" so a rep can type them.
inline constexpr std::string_view kEnrolmentAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
inline constexpr std::size_t kEnrolmentCodeLength = 10;

// A new random code (the system's random generator), grouped for display.
std::string make_enrolment_code();
// What a rep typed, as the canonical 10 characters: case, spaces and dashes do not matter;
// nullopt if anything else is wrong (a wrong length, a character outside the alphabet).
std::optional<std::string> normalise_enrolment_code(std::string_view typed);
// The store keeps this (SHA-256 hex of the canonical code), never the code.
std::string enrolment_code_hash(std::string_view canonical_code);

// Ended codes created before this time are forgotten when a code is issued at `now_ms`:
// each is remembered 30 days, to say "used" or "expired" rather than "unknown".
constexpr std::uint64_t enrolment_codes_forgotten_before(std::uint64_t now_ms) {
  constexpr std::uint64_t kMemoryMs = 30ULL * 24 * 3600 * 1000;
  return now_ms > kMemoryMs ? now_ms - kMemoryMs : 0;
}

}  // namespace fieldsync::server
