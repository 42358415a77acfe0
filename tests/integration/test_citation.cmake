# test_citation.cmake (cmake -P) - CITATION.cff names the release CMake builds, a CFF 1.2.0
# header, its required keys, and the licence of LICENSE. -D: SOURCE_DIR VERSION
file(READ ${SOURCE_DIR}/CITATION.cff cff)
file(READ ${SOURCE_DIR}/LICENSE license)
foreach(rule "^cff-version: 1\\.2\\.0\n" "\nmessage: \"[^\"]+\"\n" "\ntitle: \"[^\"]+\"\n"
        "\nauthors:\n  - name: \"[^\"]+\"\n" "\nversion: \"${VERSION}\"\n"
        "\ndate-released: \"[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]\"\n"
        "\nlicense: BSD-3-Clause\n")
  if(NOT cff MATCHES "${rule}")
    message(FATAL_ERROR "CITATION.cff has no line matching ${rule} (the release is ${VERSION})")
  endif()
endforeach()
if(NOT license MATCHES "^BSD 3-Clause License\n")
  message(FATAL_ERROR "LICENSE is not the BSD 3-Clause licence that CITATION.cff names")
endif()
