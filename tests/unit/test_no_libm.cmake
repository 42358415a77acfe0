# The library must not call a libm function whose result may depend on the CPU (glibc picks
# FMA and non-FMA builds of exp, log, pow, sin, cos, ... at run time; include/fearsim/
# elementary.h has fearsim's own). Exact functions (sqrt, floor, fmod, ldexp, frexp, trunc)
# are allowed. Each name is also caught in its float, long double and _FloatN forms, as glibc's
# __NAME_finite entry points, libmvec's vector forms (_ZGV..._NAME), with a symbol version and
# with Mach-O's leading underscore; the complex c-forms are names of their own.
# Run as: cmake -DNM=nm -DLIB=libfearsim.a -P test_no_libm.cmake
execute_process(COMMAND ${NM} -A -u ${LIB} OUTPUT_VARIABLE undefined RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${LIB}")
endif()
set(names exp exp2 exp10 expm1 log log2 log10 log1p pow sin cos tan sincos asin acos atan
    atan2 sinh cosh tanh asinh acosh atanh cbrt hypot erf erfc lgamma lgamma_r tgamma
    cexp clog cpow csin ccos ctan csinh ccosh ctanh casin cacos catan csqrt cabs carg)

# the libm name behind a symbol: no version, no vector or _finite wrapper, no type suffix
function(libm_name symbol out)
  string(REGEX REPLACE "@.*$" "" s "${symbol}")
  set(candidates "")
  string(REGEX REPLACE "^_" "" without_underscore "${s}")
  foreach(t "${s}" "${without_underscore}")
    string(REGEX REPLACE "^_ZGV[A-Za-z0-9]*_" "" t "${t}")
    string(REGEX REPLACE "^__(.*)_finite$" "\\1" t "${t}")
    list(APPEND candidates "${t}")
    string(REGEX REPLACE "(f32x|f64x|f128|f32|f64|f|l)$" "" u "${t}")
    list(APPEND candidates "${u}")
  endforeach()
  foreach(c ${candidates})
    list(FIND names "${c}" i)
    if(NOT i EQUAL -1)
      set(${out} "${c}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${out} "" PARENT_SCOPE)
endfunction()

string(REPLACE "\n" ";" lines "${undefined}")
set(found "")
foreach(line ${lines})
  if(line MATCHES "[ \t]U[ \t]+([^ \t]+)[ \t]*$")
    libm_name("${CMAKE_MATCH_1}" name)
    if(name)
      list(APPEND found "${line}")
    endif()
  endif()
endforeach()
if(found)
  list(JOIN found "\n  " text)
  message(FATAL_ERROR "the library calls CPU-dependent libm functions:\n  ${text}")
endif()
message(STATUS "no CPU-dependent libm function referenced by ${LIB}")
