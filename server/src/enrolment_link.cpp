#include "enrolment_link.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <cstdio>
#include <memory>
#include <vector>

#include "fieldsync/core/error.hpp"

namespace fieldsync::server {
namespace {

struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
struct FileClose {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

std::vector<X509Ptr> read_certificates(const std::filesystem::path& file) {
  std::unique_ptr<std::FILE, FileClose> in(std::fopen(file.c_str(), "r"));
  if (!in) throw Error(ErrorCode::kIo, "cannot read the certificate file " + file.string());
  std::vector<X509Ptr> out;
  while (X509* cert = PEM_read_X509(in.get(), nullptr, nullptr, nullptr)) out.emplace_back(cert);
  if (out.empty()) throw Error(ErrorCode::kInvalidArgument, file.string() + " holds no PEM certificate");
  return out;
}

std::string base64url(const unsigned char* data, std::size_t size) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const unsigned v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(v >> shift) & 63]);
  }
  if (size - i == 1) {
    const unsigned v = data[i] << 16;
    for (int shift : {18, 12}) out.push_back(kAlphabet[(v >> shift) & 63]);
  } else if (size - i == 2) {
    const unsigned v = (data[i] << 16) | (data[i + 1] << 8);
    for (int shift : {18, 12, 6}) out.push_back(kAlphabet[(v >> shift) & 63]);
  }
  return out;
}

std::string pin_of(X509* cert) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (X509_digest(cert, EVP_sha256(), digest.data(), &size) != 1) {
    throw Error(ErrorCode::kInternal, "SHA-256 of a certificate failed");
  }
  return "sha256:" + base64url(digest.data(), size);
}

// Keeps the characters a query value may hold as they are; escapes the rest.
std::string query_escape(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '_' || c == '.' || c == '~';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::string enrolment_link(const std::string& server, const std::string& code, const std::string& pin) {
  std::string link = "fieldsync://enrol?server=" + query_escape(server) + "&code=" + query_escape(code);
  if (!pin.empty()) link += "&ca=" + query_escape(pin);
  return link;
}

std::string private_ca_pin(const std::filesystem::path& chain_file) {
  auto chain = read_certificates(chain_file);
  X509* top = chain.back().get();
  // Self-signed: its issuer is itself and its own key verifies its signature.
  if (X509_check_issued(top, top) != X509_V_OK) return {};
  return pin_of(top);
}

std::string certificate_pin(const std::filesystem::path& pem_file) {
  return pin_of(read_certificates(pem_file).front().get());
}

}  // namespace fieldsync::server
