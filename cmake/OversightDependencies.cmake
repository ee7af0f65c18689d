# Third-party dependencies, all from Debian's packages (see scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)          # CMake's FindProtobuf: Debian ships no protobuf config
find_package(absl CONFIG REQUIRED)           # Status, StatusOr, Time (comes with gRPC)
find_package(gRPC CONFIG REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(GTest REQUIRED)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka rdkafka++)
# Debian's HiredisConfig.cmake is broken (bad version file): use pkg-config.
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
pkg_check_modules(LIBJWT REQUIRED IMPORTED_TARGET libjwt)
if(OVERSIGHT_JEMALLOC AND NOT OVERSIGHT_SANITIZE AND NOT OVERSIGHT_FUZZ)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)  # the services' allocator
endif()
if(OVERSIGHT_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()

find_program(OVERSIGHT_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
# Statutory-returns importer (libs/statutory_returns): XML parsing of CIN census / SSDA903 exports.
find_package(EXPAT REQUIRED)              # EXPAT::EXPAT (Debian libexpat1-dev)
