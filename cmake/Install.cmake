# Install.cmake - what `cmake --install build --prefix P` puts under P:
#   bin/fearsim, bin/fearsim-analysis, bin/fearsim-plot
#   lib/libfearsim.a (or .so), include/fearsim/*.h
#   lib/cmake/fearsim/ (find_package(fearsim) -> fearsim::fearsim), lib/pkgconfig/fearsim.pc
#   lib/python3/dist-packages/fearsim_analysis (FEARSIM_INSTALL_PYTHONDIR)
#   share/doc/fearsim/ (LICENSE, CITATION.cff, README.md)
# Every path is relative to the prefix, so the prefix may be chosen at install time.
include(CMakePackageConfigHelpers)

set(FEARSIM_INSTALL_PYTHONDIR "lib/python3/dist-packages" CACHE STRING
    "where the Python package fearsim_analysis goes, relative to the prefix")
set(FS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/fearsim)

# --- the program and the library ----------------------------------------------------------
if(BUILD_SHARED_LIBS)
  file(RELATIVE_PATH FS_BIN_TO_LIB /p/${CMAKE_INSTALL_BINDIR} /p/${CMAKE_INSTALL_LIBDIR})
  set_target_properties(fearsim_cli PROPERTIES INSTALL_RPATH "$ORIGIN/${FS_BIN_TO_LIB}")
endif()
install(TARGETS fearsim_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS fearsim EXPORT fearsimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
# include/fearsim/ holds the public headers only (the private ones are sim/*_impl.h)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/fearsim DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")

# --- find_package(fearsim) ----------------------------------------------------------------
install(EXPORT fearsimTargets NAMESPACE fearsim:: DESTINATION ${FS_CMAKE_DIR})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/fearsimConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/install/fearsimConfig.cmake
                              INSTALL_DESTINATION ${FS_CMAKE_DIR})
# before 1.0 only the same MAJOR.MINOR is compatible (as the SONAME says)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/install/fearsimConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/install/fearsimConfig.cmake
              ${CMAKE_BINARY_DIR}/install/fearsimConfigVersion.cmake
        DESTINATION ${FS_CMAKE_DIR})

# --- pkg-config ---------------------------------------------------------------------------
# the prefix as seen from lib/pkgconfig, so that the file holds wherever it is installed
file(RELATIVE_PATH FS_PC_TO_PREFIX /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
string(REGEX REPLACE "/$" "" FS_PC_TO_PREFIX "${FS_PC_TO_PREFIX}")
pkg_check_modules(FS_PC_HDF5 QUIET hdf5)
if(FS_PC_HDF5_FOUND)
  set(FS_PC_REQUIRES_PRIVATE "yaml-0.1 hdf5")
  # hdf5.pc names only libhdf5; the high-level library (dimension scales) is added by path
  set(FS_PC_HDF5_LIBS ${HDF5_HL_LIBRARIES})
else()
  set(FS_PC_REQUIRES_PRIVATE "yaml-0.1")
  set(FS_PC_HDF5_LIBS ${HDF5_HL_LIBRARIES} ${HDF5_C_LIBRARIES})
endif()
set(libs_private ${OpenMP_C_FLAGS} ${FS_PC_HDF5_LIBS} -lm)
list(JOIN libs_private " " FS_PC_LIBS_PRIVATE)
configure_file(${CMAKE_SOURCE_DIR}/cmake/fearsim.pc.in ${CMAKE_BINARY_DIR}/install/fearsim.pc
               @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/install/fearsim.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# --- the licence, the citation and the README ----------------------------------------------
install(FILES ${CMAKE_SOURCE_DIR}/LICENSE ${CMAKE_SOURCE_DIR}/CITATION.cff
              ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- the analysis package and its commands ------------------------------------------------
install(DIRECTORY ${CMAKE_SOURCE_DIR}/analysis/fearsim_analysis
        DESTINATION ${FEARSIM_INSTALL_PYTHONDIR} PATTERN __pycache__ EXCLUDE)
# The launchers in analysis/ find the package beside them; the installed copies find it in
# FEARSIM_INSTALL_PYTHONDIR, relative to bin/.
file(RELATIVE_PATH FS_BIN_TO_PY /p/${CMAKE_INSTALL_BINDIR} /p/${FEARSIM_INSTALL_PYTHONDIR})
foreach(launcher fearsim-analysis fearsim-plot)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
               ${CMAKE_SOURCE_DIR}/analysis/${launcher})
  file(READ ${CMAKE_SOURCE_DIR}/analysis/${launcher} text)
  set(in_tree "PACKAGE_DIR = HERE\n")
  string(FIND "${text}" "${in_tree}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "analysis/${launcher} has no line \"PACKAGE_DIR = HERE\" to point at "
                        "the installed package")
  endif()
  string(REPLACE "${in_tree}" "PACKAGE_DIR = os.path.join(HERE, \"${FS_BIN_TO_PY}\")\n" text
                 "${text}")
  file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/install/${launcher} CONTENT "${text}")
  install(PROGRAMS ${CMAKE_BINARY_DIR}/install/${launcher} DESTINATION ${CMAKE_INSTALL_BINDIR})
endforeach()
