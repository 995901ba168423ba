# Every dependency comes from Debian packages (scripts/deps installs them).
find_package(PkgConfig REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
pkg_check_modules(LIBELF REQUIRED IMPORTED_TARGET libelf)

# libelf and zlib: the shim is static, so link the archives everywhere for
# one behaviour.
find_library(ZLIB_STATIC NAMES libz.a REQUIRED)
find_library(LIBELF_STATIC NAMES libelf.a REQUIRED)
add_library(scarlet_libelf INTERFACE)
target_include_directories(scarlet_libelf INTERFACE ${LIBELF_INCLUDE_DIRS})
target_link_libraries(scarlet_libelf INTERFACE ${LIBELF_STATIC} ${ZLIB_STATIC})

# libzip: Debian ships no static archive, and the shim must stay static, so we
# build Debian's own source package (fetched by scripts/deps) with only the
# deflate codec jars need.
set(SCARLET_LIBZIP_SOURCE "${PROJECT_SOURCE_DIR}/.cache/src/libzip"
    CACHE PATH "Unpacked Debian source of libzip")
if(NOT EXISTS "${SCARLET_LIBZIP_SOURCE}/CMakeLists.txt")
  message(FATAL_ERROR "libzip source not found at ${SCARLET_LIBZIP_SOURCE}: run scripts/deps")
endif()
include(ExternalProject)
set(libzip_prefix ${CMAKE_BINARY_DIR}/_deps/libzip)
ExternalProject_Add(libzip_build
  SOURCE_DIR ${SCARLET_LIBZIP_SOURCE}
  INSTALL_DIR ${libzip_prefix}
  CMAKE_ARGS
    -Wno-dev -DCMAKE_INSTALL_PREFIX=<INSTALL_DIR> -DCMAKE_INSTALL_LIBDIR=lib
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_POSITION_INDEPENDENT_CODE=ON
    -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}
    -DBUILD_SHARED_LIBS=OFF -DBUILD_TOOLS=OFF -DBUILD_REGRESS=OFF
    -DBUILD_EXAMPLES=OFF -DBUILD_DOC=OFF
    -DENABLE_BZIP2=OFF -DENABLE_LZMA=OFF -DENABLE_COMMONCRYPTO=OFF
    -DENABLE_GNUTLS=OFF -DENABLE_MBEDTLS=OFF -DENABLE_OPENSSL=OFF
    -DENABLE_WINDOWS_CRYPTO=OFF
  BUILD_BYPRODUCTS ${libzip_prefix}/lib/libzip.a
  UPDATE_COMMAND "" LOG_CONFIGURE ON LOG_BUILD ON LOG_INSTALL ON LOG_OUTPUT_ON_FAILURE ON)
file(MAKE_DIRECTORY ${libzip_prefix}/include)
add_library(scarlet_libzip STATIC IMPORTED GLOBAL)
set_target_properties(scarlet_libzip PROPERTIES
  IMPORTED_LOCATION ${libzip_prefix}/lib/libzip.a
  INTERFACE_INCLUDE_DIRECTORIES ${libzip_prefix}/include
  INTERFACE_LINK_LIBRARIES ${ZLIB_STATIC})
add_dependencies(scarlet_libzip libzip_build)

# Only the programs that need them (never the shim).
find_package(CLI11 2.1 REQUIRED)
find_package(spdlog 1.10 REQUIRED)
find_package(Boost 1.74 REQUIRED)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
if(SCARLET_TESTS)
  find_package(Catch2 2.13 REQUIRED)
endif()
