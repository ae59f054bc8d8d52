#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace fieldsync::loadgen {

Figure& Report::figure_at_most(std::string name, double value, std::string unit, double limit) {
  Figure& f = figure(std::move(name), value, unit);
  f.target = "<= " + format_figure(limit) + " " + unit;
  f.met = value <= limit;
  return f;
}

Figure& Report::figure_at_least(std::string name, double value, std::string unit, double limit) {
  Figure& f = figure(std::move(name), value, unit);
  f.target = ">= " + format_figure(limit) + " " + unit;
  f.met = value >= limit;
  return f;
}

std::string format_figure(double value) {
  char text[64];
  const double magnitude = std::fabs(value);
  if (magnitude >= 1000 || value == std::floor(value)) {
    std::snprintf(text, sizeof text, "%.0f", value);
  } else if (magnitude >= 100) {
    std::snprintf(text, sizeof text, "%.1f", value);
  } else if (magnitude >= 10) {
    std::snprintf(text, sizeof text, "%.2f", value);
  } else {
    std::snprintf(text, sizeof text, "%.3g", value);
  }
  return text;
}

namespace {

std::string json_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\u%04x", c);
          out += escape;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  char text[64];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

}  // namespace

void print_table(const Report& report, std::ostream& out) {
  out << "scenario: " << report.scenario << "\n";
  for (const auto& [name, value] : report.parameters) out << "  " << name << " = " << value << "\n";
  std::size_t name_width = 6, value_width = 5, target_width = 6;
  std::vector<std::string> values;
  for (const auto& f : report.figures) {
    values.push_back(format_figure(f.value) + " " + f.unit);
    name_width = std::max(name_width, f.name.size());
    value_width = std::max(value_width, values.back().size());
    target_width = std::max(target_width, f.target.size());
  }
  auto pad = [](const std::string& text, std::size_t width, bool right) {
    const std::string fill(width > text.size() ? width - text.size() : 0, ' ');
    return right ? fill + text : text + fill;
  };
  out << "\n" << pad("figure", name_width, false) << "  " << pad("value", value_width, true) << "  "
      << pad("target", target_width, false) << "  met\n";
  out << std::string(name_width + value_width + target_width + 9, '-') << "\n";
  for (std::size_t i = 0; i < report.figures.size(); ++i) {
    const Figure& f = report.figures[i];
    out << pad(f.name, name_width, false) << "  " << pad(values[i], value_width, true) << "  "
        << pad(f.target, target_width, false) << "  " << (f.met ? (*f.met ? "yes" : "NO") : "") << "\n";
  }
  for (const auto& note : report.notes) out << "note: " << note << "\n";
}

void print_json(const Report& report, std::ostream& out) {
  out << "{\"scenario\": \"" << json_escaped(report.scenario) << "\", \"parameters\": {";
  for (std::size_t i = 0; i < report.parameters.size(); ++i) {
    out << (i ? ", " : "") << "\"" << json_escaped(report.parameters[i].first) << "\": \""
        << json_escaped(report.parameters[i].second) << "\"";
  }
  out << "}, \"figures\": [";
  for (std::size_t i = 0; i < report.figures.size(); ++i) {
    const Figure& f = report.figures[i];
    out << (i ? ", " : "") << "{\"name\": \"" << json_escaped(f.name) << "\", \"value\": " << json_number(f.value)
        << ", \"unit\": \"" << json_escaped(f.unit) << "\"";
    if (!f.target.empty()) out << ", \"target\": \"" << json_escaped(f.target) << "\"";
    if (f.met) out << ", \"met\": " << (*f.met ? "true" : "false");
    out << "}";
  }
  out << "], \"notes\": [";
  for (std::size_t i = 0; i < report.notes.size(); ++i) {
    out << (i ? ", " : "") << "\"" << json_escaped(report.notes[i]) << "\"";
  }
  out << "]}\n";
}

}  // namespace fieldsync::loadgen
