#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace fieldsync::loadgen {

// Loads `count` customers into the server: made on an in-memory replica, then pushed as
// raw push messages of `batch` records (no pull back, unlike a ClientSync), spread over
// `territories`. Untimed set-up for the scenarios; throws Error if the server refuses any.
void load_server(const std::string& url, const std::string& token, const std::vector<std::string>& territories,
                 std::size_t count, std::size_t batch, bool progress);

}  // namespace fieldsync::loadgen
