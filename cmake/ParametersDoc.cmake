# ParametersDoc.cmake - docs/parameters.md is what `fearsim params --all --format markdown` prints.
#   cmake -DFEARSIM=path/to/fearsim -DDOC=docs/parameters.md -P cmake/ParametersDoc.cmake
# writes it (the docs-parameters target); with -DCHECK=ON it fails instead when the file differs
# from what the program prints (the test cli_params_docs), so the docs cannot go stale.
execute_process(COMMAND ${FEARSIM} params --all --format markdown
                OUTPUT_VARIABLE text RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fearsim params --all --format markdown failed (exit code ${rc})")
endif()
if(CHECK)
  file(READ ${DOC} have)
  if(NOT have STREQUAL text)
    message(FATAL_ERROR "${DOC} differs from `fearsim params --all --format markdown`: "
                        "regenerate it with `cmake --build build --target docs-parameters`")
  endif()
  message(STATUS "${DOC} matches the parameter tables")
else()
  file(WRITE ${DOC} "${text}")
endif()
