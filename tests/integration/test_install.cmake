# test_install.cmake (cmake -P) - `cmake --install` into a fresh prefix gives a working fearsim:
# every installed header compiles on its own; a C program builds against the installed library
# through find_package(fearsim) and through pkg-config, and runs; the installed fearsim,
# fearsim-analysis and fearsim-plot run from the prefix alone (no PYTHONPATH, a bare PATH).
# Fails with the step that went wrong.
# -D: BUILD_DIR SOURCE_DIR WORK_DIR VERSION CC PKG_CONFIG
foreach(var BUILD_DIR SOURCE_DIR WORK_DIR VERSION CC PKG_CONFIG)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "test_install.cmake needs -D${var}=...")
  endif()
endforeach()
set(prefix ${WORK_DIR}/prefix)
set(quickstart ${SOURCE_DIR}/configs/quickstart.yaml)
set(bare_env ${CMAKE_COMMAND} -E env --unset=PYTHONPATH PATH=/usr/bin:/bin)

# Runs a command; fails unless it exits 0; its stdout (and stderr) in ${out_var}.
function(must out_var what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what}: exit ${rc}\ncommand: ${ARGN}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  set(${out_var} "${out}${err}" PARENT_SCOPE)
endfunction()

function(must_contain text what)
  foreach(want ${ARGN})
    string(FIND "${text}" "${want}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${what}: \"${want}\" not in:\n${text}")
    endif()
  endforeach()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
must(out "cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

# --- what is where ------------------------------------------------------------------------
file(GLOB libs ${prefix}/lib*/libfearsim.a ${prefix}/lib*/libfearsim.so
     ${prefix}/lib*/*/libfearsim.a ${prefix}/lib*/*/libfearsim.so)
file(GLOB pc ${prefix}/lib*/pkgconfig/fearsim.pc ${prefix}/lib*/*/pkgconfig/fearsim.pc)
file(GLOB config ${prefix}/lib*/cmake/fearsim/fearsimConfig.cmake
     ${prefix}/lib*/*/cmake/fearsim/fearsimConfig.cmake)
file(GLOB package ${prefix}/lib/python3/dist-packages/fearsim_analysis/__main__.py)
foreach(what libs pc config package)
  if(NOT ${what})
    message(FATAL_ERROR "no ${what} installed under ${prefix}")
  endif()
endforeach()
foreach(f bin/fearsim bin/fearsim-analysis bin/fearsim-plot include/fearsim/fearsim.h
        include/fearsim/version.h include/fearsim/experiment.h share/doc/fearsim/LICENSE
        share/doc/fearsim/CITATION.cff)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "${f} not installed under ${prefix}")
  endif()
endforeach()
file(GLOB private ${prefix}/include/fearsim/*_impl.h ${prefix}/include/*_impl.h)
if(private)
  message(FATAL_ERROR "private headers installed: ${private}")
endif()
# every public header the umbrella header names is installed
file(STRINGS ${SOURCE_DIR}/include/fearsim/fearsim.h includes REGEX "#include <fearsim/")
foreach(line ${includes})
  string(REGEX REPLACE ".*<(fearsim/[a-z_]+\\.h)>.*" "\\1" h "${line}")
  if(NOT EXISTS ${prefix}/include/${h})
    message(FATAL_ERROR "${h} (included by fearsim.h) not installed")
  endif()
endforeach()

# each installed header compiles on its own, in strict C11 without the build's feature macros
file(GLOB headers RELATIVE ${prefix}/include ${prefix}/include/fearsim/*.h)
foreach(h ${headers})
  string(REPLACE "/" "_" name "${h}")
  file(WRITE ${WORK_DIR}/headers/${name}.c "#include <${h}>\n")
  must(out "${h} on its own" ${CC} -std=c11 -Wall -Wextra -Wpedantic -Werror -fsyntax-only
       -I${prefix}/include ${WORK_DIR}/headers/${name}.c)
endforeach()

set(expected "fearsim ${VERSION}\n" "population E: 400\n" "population I: 100\n" "duration: 1.5 s\n")

# --- a C program through find_package(fearsim) --------------------------------------------
must(out "configure the consumer with find_package" ${CMAKE_COMMAND}
     -S ${SOURCE_DIR}/tests/integration/install_consumer -B ${WORK_DIR}/consumer_cmake
     -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_C_COMPILER=${CC} -DCMAKE_BUILD_TYPE=Release)
must(out "build the consumer with find_package" ${CMAKE_COMMAND} --build
     ${WORK_DIR}/consumer_cmake)
must(out "run the consumer built with find_package" ${WORK_DIR}/consumer_cmake/consumer
     ${quickstart})
must_contain("${out}" "consumer (find_package)" ${expected})

# --- the same program through pkg-config and cc ----------------------------------------------
get_filename_component(pc_dir ${pc} DIRECTORY)
set(pc_env ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pc_dir})
set(static "")
if(libs MATCHES "\\.a$|\\.a;")
  set(static --static) # a static library needs its dependencies on the link line
endif()
must(cflags "pkg-config --cflags fearsim" ${pc_env} ${PKG_CONFIG} --cflags fearsim)
must(ldflags "pkg-config --libs fearsim" ${pc_env} ${PKG_CONFIG} --libs ${static} fearsim)
separate_arguments(cflags UNIX_COMMAND "${cflags}")
separate_arguments(ldflags UNIX_COMMAND "${ldflags}")
must(out "cc with pkg-config's flags" ${CC} ${cflags}
     ${SOURCE_DIR}/tests/integration/install_consumer/consumer.c -o ${WORK_DIR}/consumer_pc
     ${ldflags})
get_filename_component(lib_dir ${pc_dir} DIRECTORY)
must(out "run the consumer built with pkg-config" ${CMAKE_COMMAND} -E env
     LD_LIBRARY_PATH=${lib_dir} ${WORK_DIR}/consumer_pc ${quickstart})
must_contain("${out}" "consumer (pkg-config)" ${expected})

# --- the installed programs, from the prefix alone -----------------------------------------
must(out "fearsim --version" ${bare_env} ${prefix}/bin/fearsim --version)
must_contain("${out}" "fearsim --version" "fearsim ${VERSION}")
must(out "fearsim check" ${bare_env} ${prefix}/bin/fearsim check ${quickstart})
must(out "fearsim run" ${bare_env} ${prefix}/bin/fearsim run ${quickstart} -o ${WORK_DIR}/q.h5
     --set "simulation.duration=100 ms" --threads 1 --quiet)
must(out "fearsim-analysis --help" ${bare_env} ${prefix}/bin/fearsim-analysis --help)
must_contain("${out}" "fearsim-analysis --help" "usage: fearsim-analysis" "summary")
must(out "fearsim-analysis summary" ${bare_env} ${prefix}/bin/fearsim-analysis summary
     ${WORK_DIR}/q.h5)
must_contain("${out}" "fearsim-analysis summary" "file: ${WORK_DIR}/q.h5" "mean rate (Hz)")
must(out "fearsim-plot" ${bare_env} ${prefix}/bin/fearsim-plot ${WORK_DIR}/q.h5 -o
     ${WORK_DIR}/q.png)
if(NOT EXISTS ${WORK_DIR}/q.png)
  message(FATAL_ERROR "fearsim-plot wrote no ${WORK_DIR}/q.png")
endif()
message(STATUS "installed into ${prefix}: libraries ${libs}; consumers built both ways")
