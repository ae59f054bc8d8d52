#include "test_certs.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fieldsync::testing {
namespace {

// Extensions of each kind of certificate; the distinguished name comes from -subj. A
// config of our own keeps the result independent of the system's openssl.cnf.
constexpr const char* kConfig = R"([req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
[other_host_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:sync.example.com
)";

// P-256 keys: generated in milliseconds, unlike RSA.
constexpr const char* kNewKey = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc ";

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

}  // namespace

TestCertificates::TestCertificates() {
  write("openssl.cnf", kConfig);
  const std::string config = " -config " + quoted(file("openssl.cnf"));
  for (const char* ca_name : {"ca", "other-ca"}) {
    const std::string ca = ca_name;
    openssl("req -x509" + config + " -extensions ca_ext" + kNewKey + "-keyout " + quoted(file(ca + ".key")) +
            " -out " + quoted(file(ca + ".pem")) + " -days 2 -subj '/CN=FieldSync test " + ca + "'");
  }
  int serial = 2;
  for (const auto& [name, extensions] : {std::pair{"server", "server_ext"}, std::pair{"other-host", "other_host_ext"}}) {
    const std::string base(name);
    openssl("req -new" + config + kNewKey + "-keyout " + quoted(file(base + ".key")) + " -out " +
            quoted(file(base + ".csr")) + " -subj '/CN=" + base + "'");
    openssl("x509 -req -in " + quoted(file(base + ".csr")) + " -CA " + quoted(ca_cert()) + " -CAkey " +
            quoted(file("ca.key")) + " -set_serial " + std::to_string(serial++) + " -days 2 -extfile " +
            quoted(file("openssl.cnf")) + " -extensions " + extensions + " -out " + quoted(file(base + ".pem")));
  }
  openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + quoted(stray_key()));
}

const TestCertificates& TestCertificates::shared() {
  static const TestCertificates certificates;
  return certificates;
}

std::filesystem::path TestCertificates::write(const std::string& name, const std::string& content) const {
  const auto path = file(name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

void TestCertificates::openssl(const std::string& arguments) const {
  const auto log = file("openssl.log");
  const std::string command = "openssl " + arguments + " > " + quoted(log) + " 2>&1";
  if (std::system(command.c_str()) == 0) return;
  std::ifstream in(log);
  std::ostringstream output;
  output << in.rdbuf();
  throw std::runtime_error("making test certificates failed (is the openssl CLI installed?): " + command + "\n" +
                           output.str());
}

}  // namespace fieldsync::testing
