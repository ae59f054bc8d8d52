#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "fieldsync/core/error.hpp"

namespace fieldsync::test {

// Runs `body`, expecting it to throw fieldsync::Error with `code`; returns the message.
inline std::string expect_error(ErrorCode code, const std::function<void()>& body) {
  try {
    body();
  } catch (const Error& e) {
    EXPECT_EQ(error_code_name(e.code()), error_code_name(code)) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "expected Error " << error_code_name(code) << ", nothing was thrown";
  return {};
}

}  // namespace fieldsync::test
