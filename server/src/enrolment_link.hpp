#pragma once

#include <filesystem>
#include <string>

namespace fieldsync::server {

// The link a phone opens to enrol: fieldsync://enrol?server=<wss URL>&code=<code>[&ca=<pin>].
// `server` is what phones reach (wss://host:port), `pin` the SHA-256 of the certificate the
// phone must find in the server's chain, "sha256:" + base64url, or empty: the phone trusts
// its system's CAs.
std::string enrolment_link(const std::string& server, const std::string& code, const std::string& pin);

// The pin of the certificate at the top of a PEM chain file (the last one in it), if that
// certificate is self-signed: a private CA the server presents. Empty when the chain ends
// below a root it does not carry (a public CA: phones trust it already). Throws
// Error(kInvalidArgument) when the file holds no certificate.
std::string private_ca_pin(const std::filesystem::path& chain_file);
// The pin of the first certificate of a PEM file, whatever it is (--ca-cert).
std::string certificate_pin(const std::filesystem::path& pem_file);

}  // namespace fieldsync::server
