# Installing aiopi (host builds only; the top-level CMakeLists.txt includes this last).
#
# Components: "daemon" (aiopid, aiopi-io, aiopi-cron, aiopictl, the unit, /etc/aiopi, docs) and "dev" (the libraries'
# headers, archives, the CMake package and the pkg-config files). `cmake --install BUILD` installs both; CPack
# makes one .deb of each (tools/build-deb).
include(CMakePackageConfigHelpers)

# --- the library as a CMake package: find_package(aiopi) -> aiopi::core, aiopi::cron, aiopi::sim, aiopi::linux...
set(AIOPI_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/aiopi)
get_property(AIOPI_PACKAGE_HAS_CRON_TZ GLOBAL PROPERTY AIOPI_PACKAGE_HAS_CRON_TZ)
get_property(AIOPI_PACKAGE_HAS_LINUX_GPIO GLOBAL PROPERTY AIOPI_PACKAGE_HAS_LINUX_GPIO)
foreach(_flag AIOPI_PACKAGE_HAS_CRON_TZ AIOPI_PACKAGE_HAS_LINUX_GPIO)
  if(NOT ${_flag})
    set(${_flag} FALSE)
  endif()
endforeach()
install(EXPORT aiopiTargets NAMESPACE aiopi:: DESTINATION ${AIOPI_INSTALL_CMAKEDIR} COMPONENT dev)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/package/aiopiConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/package/aiopiConfig.cmake
                              INSTALL_DESTINATION ${AIOPI_INSTALL_CMAKEDIR})
# 0.x: a minor release may change the API, so only the same major.minor is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/aiopiConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/package/aiopiConfig.cmake ${PROJECT_BINARY_DIR}/package/aiopiConfigVersion.cmake
        DESTINATION ${AIOPI_INSTALL_CMAKEDIR} COMPONENT dev)

# --- pkg-config: aiopi.pc (core + cron + the Linux epoll backend as aiopi::run()'s default) and aiopi-sim.pc
# (the same on the virtual-clock board). Relocatable: the prefix is found from the .pc file's own directory.
# The default backend is one object file named on the link line: an archive would be searched before the core
# needs it.
file(RELATIVE_PATH AIOPI_PC_PREFIX_FROM_PCFILEDIR
     /aiopi-prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /aiopi-prefix)
foreach(_pc aiopi aiopi-sim)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/package/${_pc}.pc.in ${PROJECT_BINARY_DIR}/package/${_pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/package/${_pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)
endforeach()

# --- aiopid's files (the binary itself: daemon/CMakeLists.txt; aiopi-io, aiopi-cron, aiopictl: tools/)
if(EXISTS ${PROJECT_SOURCE_DIR}/systemd/aiopid.service)
  # lib/systemd/system under the prefix: /usr/lib/systemd/system for the .deb (merged /usr).
  install(FILES ${PROJECT_SOURCE_DIR}/systemd/aiopid.service DESTINATION lib/systemd/system COMPONENT daemon)
endif()
if(EXISTS ${PROJECT_SOURCE_DIR}/systemd/aiopid.sysusers.conf)
  # The service's user and device groups for systemd-sysusers (the .deb's postinst runs it).
  install(FILES ${PROJECT_SOURCE_DIR}/systemd/aiopid.sysusers.conf DESTINATION lib/sysusers.d RENAME aiopid.conf
          COMPONENT daemon)
endif()
install(FILES README.md docs/daemon.md docs/hardware.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT daemon)
install(DIRECTORY config/examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples COMPONENT daemon)
# /etc/aiopi/aiopid.toml and an empty conf.d. The directory is decided when installing, not when configuring,
# as GNUInstallDirs decides it: /etc for the /usr prefix (the .deb's), PREFIX/etc for any other, so one build
# tree serves `cmake --install --prefix /tmp/x` and CPack alike. An existing aiopid.toml is never overwritten.
set(_aiopi_etc_code [[
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(_aiopi_etc "/etc/aiopi")
  else()
    set(_aiopi_etc "${CMAKE_INSTALL_PREFIX}/etc/aiopi")
  endif()
  if(EXISTS "$ENV{DESTDIR}${_aiopi_etc}/aiopid.toml")
    message(STATUS "Keeping: $ENV{DESTDIR}${_aiopi_etc}/aiopid.toml")
  else()
    file(INSTALL DESTINATION "${_aiopi_etc}" TYPE FILE FILES "@PROJECT_SOURCE_DIR@/config/aiopid.toml")
  endif()
  message(STATUS "Installing: $ENV{DESTDIR}${_aiopi_etc}/conf.d")
  file(MAKE_DIRECTORY "$ENV{DESTDIR}${_aiopi_etc}/conf.d")
]])
string(CONFIGURE "${_aiopi_etc_code}" _aiopi_etc_code @ONLY)
install(CODE "${_aiopi_etc_code}" COMPONENT daemon)

# --- CPack: two .debs, aiopid (the daemon's component) and libaiopi-dev (the library's). tools/build-deb runs it.
set(CPACK_PACKAGE_NAME aiopi)
set(CPACK_PACKAGE_VENDOR "aiopi")
set(CPACK_PACKAGE_CONTACT "aiopi maintainers <aiopi@localhost>")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_FILE_NAME "aiopi-${PROJECT_VERSION}")
set(CPACK_COMPONENTS_ALL daemon dev)
set(CPACK_DEB_COMPONENT_INSTALL ON)
# Installed with DESTDIR and the /usr prefix, so the install rule of /etc/aiopi sees the real prefix.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends from dpkg-shlibdeps (dpkg-dev) over the binaries
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_STRIP_FILES ON)  # as Debian ships binaries

set(CPACK_DEBIAN_DAEMON_PACKAGE_NAME aiopid)
set(CPACK_DEBIAN_DAEMON_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_DAEMON_PACKAGE_DEPENDS "adduser, tzdata")
set(CPACK_DEBIAN_DAEMON_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles)
set(CPACK_DEBIAN_DAEMON_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_DAEMON_DESCRIPTION [[aiopid: drives GPIO, I2C, PWM, ADC and serial devices from TOML configuration
aiopid runs the devices, events, tasks and cron schedules declared in /etc/aiopi/aiopid.toml on aiopi's
C++20 coroutine loop, as a systemd service (Type=notify). Also aiopi-io (the board's I/O from the
command line), aiopi-cron (the next fire times of a schedule) and aiopictl (the daemon's remote API
from the command line). Installing enables and starts nothing:
systemctl enable --now aiopid.]])

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libaiopi-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# What the CMake package's config finds again for the consumer (date for aiopi::cron_tz, libgpiod for
# aiopi::linux_gpio); pkg-config for the .pc files.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libhowardhinnant-date-dev, libgpiod-dev, tzdata")
set(CPACK_DEBIAN_DEV_PACKAGE_RECOMMENDS "cmake (>= 3.25), pkg-config, g++ (>= 4:12)")
set(CPACK_DEBIAN_DEV_DESCRIPTION [[aiopi: C++20 coroutine library (headers, static libraries, CMake package)
The portable core (Python asyncio and micropython-async rebuilt on C++20 coroutines), the cron
scheduler, the virtual-clock simulated board and the Linux epoll backend with GPIO, I2C, PWM, ADC,
UART and TCP. find_package(aiopi) gives aiopi::core, aiopi::cron, aiopi::sim, aiopi::linux and their
*_default backends; pkg-config modules aiopi and aiopi-sim.]])

# CPack (and the install target) do not build `all` first: tools/build-deb builds the tree itself, and the
# package test packs the tree ctest is testing without running a build inside it.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
include(CPack)
