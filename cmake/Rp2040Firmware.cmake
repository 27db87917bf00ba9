# aiopi_rp2040_executable(<name> SOURCES <src>... [LIBRARIES <lib>...] [FRAME_POOL_BYTES <n>])
#
# Builds an RP2040 image from the port (aiopi::rp2040) in the rp2040 preset:
#   <name>.elf  the linked program (boot2's CRC patched in, so it can be flashed by a debugger as is)
#   <name>.bin  the flash image from 0x10000000 (boot2 + CRC, vector table, code, .data's initial values)
#   <name>.uf2  the same for the Pico's USB mass-storage bootloader
#   <name>.map  the linker map
# and prints text/data/bss (berkeley) plus flash used, static RAM, frame pool and stack.
# FRAME_POOL_BYTES sizes the coroutine frame pool (default: all SRAM left after .data and .bss).
# The program defines `int main()`; the target is named <name> (the files carry the suffixes).
include_guard(GLOBAL)

set(AIOPI_RP2040_IMAGE_TOOL ${CMAKE_CURRENT_LIST_DIR}/../tools/rp2040-image CACHE INTERNAL "")
find_program(AIOPI_ARM_OBJCOPY NAMES arm-none-eabi-objcopy REQUIRED)
find_program(AIOPI_ARM_NM NAMES arm-none-eabi-nm REQUIRED)
find_package(Python3 COMPONENTS Interpreter REQUIRED)

function(aiopi_rp2040_executable name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "FRAME_POOL_BYTES" "SOURCES;LIBRARIES")
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "aiopi_rp2040_executable(${name}): SOURCES is required")
  endif()
  add_executable(${name} ${arg_SOURCES})
  set_target_properties(${name} PROPERTIES SUFFIX ".elf" LINK_DEPENDS ${AIOPI_RP2040_LINKER_SCRIPT})
  target_link_libraries(${name} PRIVATE ${arg_LIBRARIES} aiopi::rp2040 aiopi_warnings)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name})
  target_link_options(${name} PRIVATE LINKER:-Map=${out}.map)
  if(arg_FRAME_POOL_BYTES)
    target_link_options(${name} PRIVATE LINKER:--defsym=__frame_pool_size=${arg_FRAME_POOL_BYTES})
  endif()
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND ${AIOPI_ARM_OBJCOPY} -O binary $<TARGET_FILE:${name}> ${out}.bin
    COMMAND ${Python3_EXECUTABLE} ${AIOPI_RP2040_IMAGE_TOOL} boot2-crc ${out}.bin --boot2-out ${out}.boot2.bin
    COMMAND ${AIOPI_ARM_OBJCOPY} --update-section .boot2=${out}.boot2.bin $<TARGET_FILE:${name}>
    COMMAND ${Python3_EXECUTABLE} ${AIOPI_RP2040_IMAGE_TOOL} bin2uf2 ${out}.bin ${out}.uf2
    COMMAND ${Python3_EXECUTABLE} ${AIOPI_RP2040_IMAGE_TOOL} size $<TARGET_FILE:${name}> --nm ${AIOPI_ARM_NM}
    BYPRODUCTS ${out}.bin ${out}.uf2 ${out}.boot2.bin
    VERBATIM)
endfunction()
