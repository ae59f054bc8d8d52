# Warnings as an interface target: every first-party target links fieldsync::warnings.
add_library(fieldsync_warnings INTERFACE)
add_library(fieldsync::warnings ALIAS fieldsync_warnings)
target_compile_options(fieldsync_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough>)
# -Wnull-dereference is left out: at -O2 g++ 12 reports false positives inside Asio and libstdc++.
option(FIELDSYNC_WERROR "Treat warnings as errors" OFF)
if(FIELDSYNC_WERROR)
  target_compile_options(fieldsync_warnings INTERFACE -Werror)
endif()
