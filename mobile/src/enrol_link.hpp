#pragma once

#include <QString>

#include <optional>

namespace fieldsync::app {

// What `fieldsync-server enrol` puts in its link and QR code:
// fieldsync://enrol?server=wss://host:port&code=K7QF-M2XA-9D[&ca=sha256:<base64url>].
struct EnrolLink {
  QString server;  // the sync URL, with /sync added when the link gives no path
  QString code;
  QString pin;     // the certificate the server's chain must hold; empty: the system's CAs
};

// nullopt for anything else (another scheme, no server or code, a server that is not
// ws:// or wss://).
std::optional<EnrolLink> parse_enrol_link(const QString& link);

// "wss://host:port" -> "wss://host:port/sync": the address the app keeps and syncs with.
QString sync_url_of(const QString& server);

}  // namespace fieldsync::app
