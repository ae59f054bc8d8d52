#include "report.hpp"

#include <sqlite3.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace fieldsync::bench {
namespace {

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// Three significant-ish digits whatever the magnitude: 0.412, 12.3, 1234.
std::string short_number(double value) {
  if (value < 1) return fixed(value, 3);
  if (value < 100) return fixed(value, 2);
  return fixed(value, 0);
}

std::string pad(const std::string& text, std::size_t width, bool right) {
  if (text.size() >= width) return text;
  const std::string fill(width - text.size(), ' ');
  return right ? fill + text : text + fill;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return in ? one + " " + five + " " + fifteen : "unknown";
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

void Report::add(Measurement m) {
  std::cerr << "  " << pad(m.label, 58, false) << " " << short_number(m.median_seconds() * 1e3) << " ms\n";
  measurements_.push_back(std::move(m));
}

const Measurement* Report::find(const std::string& id) const {
  for (const auto& m : measurements_) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

void Report::print_table(std::ostream& out, int repeats) const {
  out << "fieldsync_bench_core: SQLite " << sqlite3_libversion() << ", " << std::thread::hardware_concurrency()
      << " cpus, load average " << load_average() << ", median of " << repeats << " runs\n\n";
  out << pad("figure", 58, false) << pad("ops", 8, true) << pad("median ms", 12, true) << pad("us/op", 10, true)
      << pad("min..max ms", 18, true) << "\n";
  out << std::string(106, '-') << "\n";
  for (const auto& m : measurements_) {
    out << pad(m.label, 58, false) << pad(std::to_string(m.ops), 8, true)
        << pad(short_number(m.median_seconds() * 1e3), 12, true) << pad(short_number(m.median_us_per_op()), 10, true)
        << pad(short_number(m.min_seconds() * 1e3) + ".." + short_number(m.max_seconds() * 1e3), 18, true) << "\n";
  }
  if (checks_.empty()) return;
  out << "\ntargets\n";
  for (const auto& c : checks_) {
    out << "  " << pad(c.label, 50, false) << pad(short_number(c.value) + " " + c.unit, 10, true) << "  (target <= "
        << short_number(c.limit) << " " << c.unit << ")  " << (c.value <= c.limit ? "met" : "NOT MET") << "\n";
  }
}

void Report::print_json(std::ostream& out, int repeats) const {
  out << "{\n  \"sqlite\": " << json_string(sqlite3_libversion()) << ",\n  \"cpus\": "
      << std::thread::hardware_concurrency() << ",\n  \"load_average\": " << json_string(load_average())
      << ",\n  \"repeats\": " << repeats << ",\n  \"figures\": [";
  for (std::size_t i = 0; i < measurements_.size(); ++i) {
    const auto& m = measurements_[i];
    out << (i ? "," : "") << "\n    {\"id\": " << json_string(m.id) << ", \"label\": " << json_string(m.label)
        << ", \"ops\": " << m.ops << ", \"median_s\": " << m.median_seconds()
        << ", \"us_per_op\": " << m.median_us_per_op() << ", \"runs_s\": [";
    for (std::size_t r = 0; r < m.seconds.size(); ++r) out << (r ? ", " : "") << m.seconds[r];
    out << "]}";
  }
  out << "\n  ],\n  \"targets\": [";
  for (std::size_t i = 0; i < checks_.size(); ++i) {
    const auto& c = checks_[i];
    out << (i ? "," : "") << "\n    {\"label\": " << json_string(c.label) << ", \"value\": " << c.value
        << ", \"limit\": " << c.limit << ", \"unit\": " << json_string(c.unit)
        << ", \"met\": " << (c.value <= c.limit ? "true" : "false") << "}";
  }
  out << "\n  ]\n}\n";
}

}  // namespace fieldsync::bench
