# FearsimTesting.cmake - one helper that builds a cmocka test and registers it with ctest.
find_package(cmocka CONFIG REQUIRED)

# fs_add_test(NAME SOURCES a.c [b.c] LABEL unit [ARGS ...])
function(fs_add_test NAME)
  cmake_parse_arguments(T "" "LABEL" "SOURCES;ARGS" ${ARGN})
  add_executable(${NAME} ${T_SOURCES})
  target_include_directories(${NAME} PRIVATE ${CMOCKA_INCLUDE_DIR} ${CMAKE_SOURCE_DIR}/tests
                                             ${CMAKE_SOURCE_DIR}/sim)
  target_compile_options(${NAME} PRIVATE ${FS_WARNINGS})
  target_link_libraries(${NAME} PRIVATE fearsim ${CMOCKA_LIBRARIES})
  target_compile_definitions(${NAME} PRIVATE
    FS_SOURCE_DIR="${CMAKE_SOURCE_DIR}" FS_BINARY_DIR="${CMAKE_BINARY_DIR}"
    FS_CLI="$<TARGET_FILE:fearsim_cli>")
  add_test(NAME ${NAME} COMMAND ${NAME} ${T_ARGS})
  # ctest -j runs several multi-threaded tests on few cores: libgomp's long spin-waits at
  # barriers would then burn the time slices the other process needs, so spin briefly.
  set_tests_properties(${NAME} PROPERTIES LABELS ${T_LABEL}
                       ENVIRONMENT "CMOCKA_MESSAGE_OUTPUT=stdout;GOMP_SPINCOUNT=10000")
endfunction()
