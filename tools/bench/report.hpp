#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "measurement.hpp"

namespace fieldsync::bench {

// A figure held against the target DESIGN or the issue sets for it.
struct TargetCheck {
  std::string label;
  double value = 0;
  double limit = 0;  // met when value <= limit
  std::string unit;
};

// Collects the figures of every suite and prints them as a table or as JSON.
class Report {
 public:
  // Prints progress to stderr so that stdout stays clean for --json.
  void add(Measurement m);
  void check(TargetCheck c) { checks_.push_back(std::move(c)); }
  // nullptr when that figure was not measured (its suite did not run).
  const Measurement* find(const std::string& id) const;

  void print_table(std::ostream& out, int repeats) const;
  void print_json(std::ostream& out, int repeats) const;

 private:
  std::vector<Measurement> measurements_;
  std::vector<TargetCheck> checks_;
};

}  // namespace fieldsync::bench
