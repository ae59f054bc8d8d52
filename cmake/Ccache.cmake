# Reuse objects across clean builds (CI clones afresh every run). ccache keys on absolute
# paths and, with -g, on the working directory: base_dir makes paths relative to this
# checkout and hash_dir=false leaves the directory out, so a clone at another path reuses
# what an earlier clone compiled (docs/testing.md, "CI"). Build directories are never shared.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(FIELDSYNC_CCACHE ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${PROJECT_SOURCE_DIR} CCACHE_NOHASHDIR=1
                       ${CCACHE_PROGRAM})
  set(CMAKE_C_COMPILER_LAUNCHER ${FIELDSYNC_CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${FIELDSYNC_CCACHE})
endif()
