# `cpack -G DEB` in the build tree: a Debian package of everything installed.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME scarlet-dispatch)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "scarlet-dispatch developers <scarlet-dispatch@users.noreply.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "run foreign binaries transparently through the right runtime")
# One line per string: CPack indents each continuation line itself.
string(JOIN "\n" CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "scarlet-dispatch registers binfmt_misc handlers so that aarch64, s390x and"
  "other foreign ELF programs, MS-DOS programs, Windows PE files, .NET"
  "assemblies, WebAssembly modules and Java classes or jars run as ./prog"
  "through qemu-user, DOSBox, Wine, Mono, a WASI runtime or Java, with their"
  "arguments, exit status and standard streams intact. A JSON registry says"
  "which runtime runs which format.")
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends from the libraries the programs link
set(CPACK_DEBIAN_PACKAGE_DEPENDS "init-system-helpers (>= 1.54~)")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qemu-user-static, default-jre-headless | java-runtime-headless, nodejs, dosbox")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "wine, wine64, mono-runtime")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/config/debian/conffiles ${PROJECT_SOURCE_DIR}/config/debian/postinst
    ${PROJECT_SOURCE_DIR}/config/debian/prerm ${PROJECT_SOURCE_DIR}/config/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
