#include "qr_svg.hpp"

#include <qrencode.h>

#include <memory>

#include "fieldsync/core/error.hpp"

namespace fieldsync::server {
namespace {

struct QrFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

constexpr int kQuietZone = 4;

}  // namespace

std::vector<std::vector<bool>> qr_modules(const std::string& text) {
  // Version 0: the smallest that holds the text; 8-bit mode, case kept.
  std::unique_ptr<QRcode, QrFree> code(QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  if (!code) throw Error(ErrorCode::kInvalidArgument, "the link is too long for a QR code");
  std::vector<std::vector<bool>> rows(static_cast<std::size_t>(code->width));
  for (int y = 0; y < code->width; ++y) {
    rows[y].resize(static_cast<std::size_t>(code->width));
    for (int x = 0; x < code->width; ++x) rows[y][x] = (code->data[y * code->width + x] & 1) != 0;
  }
  return rows;
}

std::string qr_svg(const std::string& text, int module_px) {
  const auto rows = qr_modules(text);
  const int size = static_cast<int>(rows.size()) + 2 * kQuietZone;
  const std::string side = std::to_string(size);
  std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                    side + " " + side + "\" width=\"" + std::to_string(size * module_px) + "\" height=\"" +
                    std::to_string(size * module_px) + "\" shape-rendering=\"crispEdges\">\n<rect width=\"" + side +
                    "\" height=\"" + side + "\" fill=\"#fff\"/>\n";
  for (std::size_t y = 0; y < rows.size(); ++y) {
    std::size_t x = 0;
    while (x < rows[y].size()) {
      if (!rows[y][x]) {
        ++x;
        continue;
      }
      std::size_t end = x;
      while (end < rows[y].size() && rows[y][end]) ++end;
      svg += "<rect x=\"" + std::to_string(x + kQuietZone) + "\" y=\"" + std::to_string(y + kQuietZone) +
             "\" width=\"" + std::to_string(end - x) + "\" height=\"1\"/>\n";
      x = end;
    }
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace fieldsync::server
