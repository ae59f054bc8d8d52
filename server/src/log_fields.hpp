#pragma once

#include <string>
#include <string_view>

namespace fieldsync::server {

// A value for a key=value log line, in double quotes with quotes, backslashes and control
// characters escaped, so that a reason with spaces stays one field for log parsers.
inline std::string quote_field(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace fieldsync::server
