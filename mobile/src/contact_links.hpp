#pragma once

#include <QString>
#include <QUrl>

namespace fieldsync::app {

// The links a rep taps on a customer or contact: call, write, find on a map. Each is empty
// (invalid) for a value it cannot make a link of, so the app offers no dead button.

// tel: with the number's digits and a leading +, spaces and punctuation dropped.
QUrl call_url(const QString& phone);
// mailto: for a plausible address.
QUrl mail_url(const QString& email);
// The platform's map app: geo: on Android and elsewhere, maps: on iOS (Apple Maps).
QUrl map_url(const QString& address);

}  // namespace fieldsync::app
