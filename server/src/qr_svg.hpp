#pragma once

#include <string>
#include <vector>

namespace fieldsync::server {

// A QR code as rows of modules (true: dark), from libqrencode, error correction level M
// (a scratched or glossy print still reads).
std::vector<std::vector<bool>> qr_modules(const std::string& text);

// The QR code of `text` as an SVG image: a 4-module quiet zone, each run of dark modules
// of a row one <rect>, `module_px` pixels a module. Any browser shows or prints it, and it
// needs no image library.
std::string qr_svg(const std::string& text, int module_px = 8);

}  // namespace fieldsync::server
