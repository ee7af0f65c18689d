# One helper per kind of target, so warnings, sanitizers and test labels are set in one place.
#
#   oversight_library(NAME SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
#       A first-party static library. Public headers live in <dir>/include.
#   oversight_executable(NAME SOURCES ... [DEPS ...] [SERVICE])
#       A first-party binary (service main, tool). SERVICE: a long-running service, linked with
#       jemalloc when OVERSIGHT_JEMALLOC is on (not with sanitizers, whose runtime owns malloc).
#   oversight_test(NAME SOURCES ... [DEPS ...] [LABELS unit|integration|e2e|...]
#                  [FIXTURES ...] [TIMEOUT s] [RUN_SERIAL])
#       A GoogleTest binary registered with ctest under its labels.
#   oversight_benchmark(NAME SOURCES ... [DEPS ...])
#       A Google Benchmark binary; never run by ctest.
#   oversight_fuzzer(NAME SOURCES ... [DEPS ...] CORPUS dir [DICT file] [MAX_LEN bytes])
#       A libFuzzer target, only with -DOVERSIGHT_FUZZ=ON (clang). ctest runs it (label fuzz) for
#       OVERSIGHT_FUZZ_SECONDS over the checked-in seed corpus CORPUS; inputs it discovers go to
#       <build>/fuzz/<NAME>/corpus, a crash, leak, timeout (10 s) or OOM (2 GB) fails the test
#       and leaves the input in <build>/fuzz/<NAME>/ (crash-*, leak-*, timeout-*, oom-*). Links
#       oversight_fuzz_support (OVERSIGHT_FUZZ_CHECK, libs/testing).

function(oversight_add_subdirectories parent)
  file(GLOB children LIST_DIRECTORIES true ${CMAKE_CURRENT_SOURCE_DIR}/${parent}/*)
  list(SORT children)
  foreach(child ${children})
    if(IS_DIRECTORY ${child} AND EXISTS ${child}/CMakeLists.txt)
      add_subdirectory(${child})
    endif()
  endforeach()
endfunction()

function(oversight_apply_first_party_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter
                                           -Wno-missing-field-initializers)
  if(OVERSIGHT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(OVERSIGHT_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${OVERSIGHT_SANITIZE} -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=${OVERSIGHT_SANITIZE})
    # GCC 12 reports false -Wmaybe-uninitialized in libstdc++ (<regex>, <optional>) when
    # sanitizers instrument the code; the plain build keeps the warning as an error.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
endfunction()

function(oversight_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  endif()
  target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  oversight_apply_first_party_options(${name})
endfunction()

function(oversight_executable name)
  cmake_parse_arguments(ARG "SERVICE" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  if(ARG_SERVICE AND TARGET PkgConfig::JEMALLOC)
    target_link_libraries(${name} PRIVATE PkgConfig::JEMALLOC)
  endif()
  oversight_apply_first_party_options(${name})
endfunction()

function(oversight_test name)
  cmake_parse_arguments(ARG "RUN_SERIAL" "TIMEOUT" "SOURCES;DEPS;LABELS;FIXTURES;ENVIRONMENT" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  oversight_apply_first_party_options(${name})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_test(NAME ${name} COMMAND ${name} --gtest_color=no)
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "OVERSIGHT_SOURCE_DIR=${PROJECT_SOURCE_DIR};OVERSIGHT_BINARY_DIR=${PROJECT_BINARY_DIR};${ARG_ENVIRONMENT}")
  if(ARG_FIXTURES)
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${ARG_FIXTURES}")
  endif()
  if(ARG_RUN_SERIAL)
    set_tests_properties(${name} PROPERTIES RUN_SERIAL TRUE)
  endif()
endfunction()

function(oversight_benchmark name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  if(NOT OVERSIGHT_BUILD_BENCHMARKS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark benchmark::benchmark_main)
  oversight_apply_first_party_options(${name})
endfunction()

function(oversight_fuzzer name)
  cmake_parse_arguments(ARG "" "CORPUS;DICT;MAX_LEN" "SOURCES;DEPS" ${ARGN})
  if(NOT OVERSIGHT_FUZZ)
    return()
  endif()
  if(NOT ARG_CORPUS)
    message(FATAL_ERROR "oversight_fuzzer(${name}): CORPUS (the seed corpus directory) is required")
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} oversight_fuzz_support)
  oversight_apply_first_party_options(${name})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  add_dependencies(oversight_fuzzers ${name})

  cmake_path(ABSOLUTE_PATH ARG_CORPUS BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
  set(work ${PROJECT_BINARY_DIR}/fuzz/${name})
  file(MAKE_DIRECTORY ${work}/corpus)
  # The first directory receives new inputs; the checked-in seeds are only read.
  set(args -max_total_time=${OVERSIGHT_FUZZ_SECONDS} -timeout=10 -rss_limit_mb=2048
           -print_final_stats=1 -artifact_prefix=${work}/)
  if(ARG_DICT)
    cmake_path(ABSOLUTE_PATH ARG_DICT BASE_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND args -dict=${ARG_DICT})
  endif()
  if(ARG_MAX_LEN)
    list(APPEND args -max_len=${ARG_MAX_LEN})
  endif()
  add_test(NAME ${name} COMMAND ${name} ${args} ${work}/corpus ${ARG_CORPUS})
  math(EXPR timeout "${OVERSIGHT_FUZZ_SECONDS} + 120")
  set_tests_properties(${name} PROPERTIES LABELS fuzz TIMEOUT ${timeout}
    ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1;UBSAN_OPTIONS=print_stacktrace=1")
endfunction()
