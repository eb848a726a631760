# Install rules and the Debian package (CPack's DEB generator), included from the top-level
# CMakeLists.txt after the leakgate target exists.
#
#   cmake --install build --prefix DIR     bin/leakgate, share/man/man1/leakgate.1.gz,
#                                          share/leakgate/hooks/, share/doc/leakgate/
#   scripts/package-deb.sh                 dist/leakgate_<version>_<arch>.deb
include(GNUInstallDirs)

# The man page is written by the binary itself from its command definitions (cli/reference.cc), so
# it cannot drift from --help. gzip -n: no name or time stamp, so the page is reproducible.
set(LEAKGATE_MAN_PAGE ${CMAKE_BINARY_DIR}/leakgate.1)
add_custom_command(
  OUTPUT ${LEAKGATE_MAN_PAGE} ${LEAKGATE_MAN_PAGE}.gz
  COMMAND $<TARGET_FILE:leakgate> --reference man > ${LEAKGATE_MAN_PAGE}
  COMMAND gzip -9nkf ${LEAKGATE_MAN_PAGE}
  DEPENDS leakgate
  COMMENT "Generating the man page leakgate.1")
add_custom_target(leakgate_man ALL DEPENDS ${LEAKGATE_MAN_PAGE} ${LEAKGATE_MAN_PAGE}.gz)

# A changelog is required of every Debian package; leakgate's history is its git log, so this one
# only names the version.
set(LEAKGATE_CHANGELOG ${CMAKE_BINARY_DIR}/changelog)
string(TIMESTAMP LEAKGATE_BUILD_DATE "%a, %d %b %Y 00:00:00 +0000" UTC)
file(WRITE ${LEAKGATE_CHANGELOG}
  "leakgate (${PROJECT_VERSION}) unstable; urgency=medium\n\n"
  "  * Release ${PROJECT_VERSION}. The full history is the project's git log.\n\n"
  " -- leakgate maintainers <leakgate@users.noreply.github.com>  ${LEAKGATE_BUILD_DATE}\n")
add_custom_command(
  OUTPUT ${LEAKGATE_CHANGELOG}.gz
  COMMAND gzip -9nkf ${LEAKGATE_CHANGELOG}
  DEPENDS ${LEAKGATE_CHANGELOG}
  COMMENT "Compressing the changelog")
add_custom_target(leakgate_changelog ALL DEPENDS ${LEAKGATE_CHANGELOG}.gz)

install(TARGETS leakgate RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${LEAKGATE_MAN_PAGE}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(PROGRAMS ${CMAKE_SOURCE_DIR}/hooks/pre-commit ${CMAKE_SOURCE_DIR}/hooks/pre-push
  DESTINATION ${CMAKE_INSTALL_DATADIR}/leakgate/hooks)
install(FILES ${CMAKE_SOURCE_DIR}/scripts/deb/copyright ${LEAKGATE_CHANGELOG}.gz
  DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- Debian package ---------------------------------------------------------------------------
# dpkg-shlibdeps computes Depends from what the binary links. libgit2 and libcurl are loaded with
# dlopen() on first use (see libgit2_binding.cc and curl_library.cc), so they are invisible to it:
# their packages are looked up here from the files the build found, and added by hand.
function(leakgate_package_of file out_var)
  set(${out_var} "" PARENT_SCOPE)
  find_program(LEAKGATE_DPKG_QUERY dpkg-query)
  if(NOT LEAKGATE_DPKG_QUERY OR NOT EXISTS "${file}")
    return()
  endif()
  get_filename_component(real "${file}" REALPATH)
  execute_process(COMMAND ${LEAKGATE_DPKG_QUERY} -S "${real}" OUTPUT_VARIABLE owner RESULT_VARIABLE rc ERROR_QUIET)
  if(rc EQUAL 0 AND owner MATCHES "^([^:,]+)")
    set(${out_var} ${CMAKE_MATCH_1} PARENT_SCOPE)
  endif()
endfunction()
get_filename_component(LEAKGATE_LIBGIT2_DIR "${LEAKGATE_LIBGIT2_LIBRARY}" DIRECTORY)
leakgate_package_of("${LEAKGATE_LIBGIT2_DIR}/${LEAKGATE_LIBGIT2_SONAME}" LEAKGATE_DEB_LIBGIT2)
list(GET CURL_LIBRARIES 0 LEAKGATE_CURL_LIBRARY)
get_filename_component(LEAKGATE_CURL_DIR "${LEAKGATE_CURL_LIBRARY}" DIRECTORY)
leakgate_package_of("${LEAKGATE_CURL_DIR}/libcurl.so.4" LEAKGATE_DEB_LIBCURL)
set(LEAKGATE_DEB_EXTRA_DEPENDS "")
foreach(p IN ITEMS ${LEAKGATE_DEB_LIBGIT2} ${LEAKGATE_DEB_LIBCURL})
  list(APPEND LEAKGATE_DEB_EXTRA_DEPENDS ${p})
endforeach()
list(JOIN LEAKGATE_DEB_EXTRA_DEPENDS ", " LEAKGATE_DEB_EXTRA_DEPENDS)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME leakgate)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_SOURCE_DIR}/dist)
set(CPACK_PACKAGE_CONTACT "leakgate maintainers <leakgate@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "find leaked secrets (Anthropic API keys first) before they are published")
# CPack puts the summary above this as the synopsis line.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "leakgate scans files, standard input and git history for API keys and other
credentials: as a git pre-commit or pre-push hook, as a gate on pull requests,
and as a bulk scan of a repository's whole history, each unique blob once.
Rules are in gitleaks' format and compile into one Hyperscan database. With an
Admin API key it can deactivate a confirmed leaked Anthropic API key.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # leakgate_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${LEAKGATE_DEB_EXTRA_DEPENDS}")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "git, ca-certificates")
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
