#include "audit_text.hpp"

namespace fieldsync::server {

std::string bounded_text(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  const std::string note = "... (" + std::to_string(text.size()) + " bytes, cut)";
  std::size_t end = max_bytes > note.size() ? max_bytes - note.size() : 0;
  // Back to the start of a character: never half of a multi-byte sequence.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  std::string out(text.substr(0, end));
  out += note;
  return out;
}

}  // namespace fieldsync::server
