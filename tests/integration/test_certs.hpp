#pragma once

// Certificates for the TLS tests, made at test time with the openssl CLI in a temporary
// directory (no key is ever committed): a test CA, a second CA the server does not use,
// a server certificate for localhost and 127.0.0.1 issued by the test CA, one for another
// host name (also by the test CA), and a key that belongs to no certificate.

#include <filesystem>
#include <string>

#include "system_support.hpp"

namespace fieldsync::testing {

class TestCertificates {
 public:
  // Runs openssl; throws std::runtime_error with its output if a step fails.
  TestCertificates();

  // Made once per test program (a few openssl runs) and shared by every test.
  static const TestCertificates& shared();

  std::filesystem::path ca_cert() const { return file("ca.pem"); }
  std::filesystem::path other_ca_cert() const { return file("other-ca.pem"); }
  std::filesystem::path server_cert() const { return file("server.pem"); }  // localhost, 127.0.0.1
  std::filesystem::path server_key() const { return file("server.key"); }
  std::filesystem::path other_host_cert() const { return file("other-host.pem"); }  // sync.example.com only
  std::filesystem::path other_host_key() const { return file("other-host.key"); }
  std::filesystem::path stray_key() const { return file("stray.key"); }  // belongs to no certificate
  // Writes `content` to a file in the directory and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path file(const std::string& name) const { return dir_.path() / name; }
  void openssl(const std::string& arguments) const;

  ScratchDir dir_;
};

}  // namespace fieldsync::testing
