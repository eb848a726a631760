# The library never prints: what a scan says to a person (progress, summaries, warnings) is the
# command line's business, so scanner/ may not write to stdout or stderr itself. Fails naming
# every line under scanner/ that does (std::cout, std::cerr, std::clog, printf-family calls that
# write to a stream, puts, perror). Formatting into a buffer (snprintf) is fine.
#
#   cmake -DROOT=DIR -P scripts/check_library_silent.cmake
cmake_minimum_required(VERSION 3.20)
if(NOT ROOT)
  get_filename_component(ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
endif()
file(GLOB_RECURSE sources "${ROOT}/scanner/*.cc" "${ROOT}/scanner/*.h")
set(found 0)
foreach(path IN LISTS sources)
  file(STRINGS "${path}" lines)
  set(n 0)
  foreach(line IN LISTS lines)
    math(EXPR n "${n} + 1")
    string(REGEX REPLACE "//.*" "" code "${line}")
    if(code MATCHES "std::(cout|cerr|clog)|(^|[^sn])printf[ ]*\\(|fputs[ ]*\\(|[^f]puts[ ]*\\(|perror[ ]*\\(|fwrite[ ]*\\([^)]*std(out|err)")
      file(RELATIVE_PATH rel "${ROOT}" "${path}")
      message("library prints: ${rel}:${n}: ${line}")
      math(EXPR found "${found} + 1")
    endif()
  endforeach()
endforeach()
list(LENGTH sources files)
if(found GREATER 0)
  message(FATAL_ERROR "${found} lines under scanner/ print; report through the library's interfaces (ScanProgress, ScanResult, errors) and let cli/ print")
endif()
message("library silent: ${files} files under scanner/, none prints")
