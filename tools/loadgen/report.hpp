#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace fieldsync::loadgen {

// One measured figure, with the target it is held against when there is one.
struct Figure {
  std::string name;
  double value = 0;
  std::string unit;    // "s", "ms", "records/s", "MiB", ...
  std::string target;  // readable, e.g. "<= 0.5 s"; empty: no target
  std::optional<bool> met;
};

// What one scenario measured: its parameters, its figures and notes (warnings, caps).
struct Report {
  std::string scenario;
  std::vector<std::pair<std::string, std::string>> parameters;
  std::vector<Figure> figures;
  std::vector<std::string> notes;

  void parameter(std::string name, std::string value) { parameters.emplace_back(std::move(name), std::move(value)); }
  Figure& figure(std::string name, double value, std::string unit) {
    figures.push_back(Figure{std::move(name), value, std::move(unit), {}, {}});
    return figures.back();
  }
  // A figure that must not exceed `limit`.
  Figure& figure_at_most(std::string name, double value, std::string unit, double limit);
  // A figure that must reach `limit`.
  Figure& figure_at_least(std::string name, double value, std::string unit, double limit);
};

void print_table(const Report& report, std::ostream& out);
void print_json(const Report& report, std::ostream& out);

// A number with about three significant digits ("0.412", "12.3", "10400").
std::string format_figure(double value);

}  // namespace fieldsync::loadgen
