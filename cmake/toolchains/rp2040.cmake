# Cross toolchain for the RP2040 (Cortex-M0+) with Debian's arm-none-eabi GCC 12.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR cortex-m0plus)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(AIOPI_MCU_FLAGS "-mcpu=cortex-m0plus -mthumb -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${AIOPI_MCU_FLAGS}")
# case-values-threshold: every coroutine resumes through a switch on its suspension index. For Thumb-1, GCC
# makes even a five-case switch a table dispatched by libgcc's __gnu_thumb1_case_* (a call and ~13 cycles per
# resume); below 16 cases a compare tree is cheaper and no larger.
set(CMAKE_CXX_FLAGS_INIT "${AIOPI_MCU_FLAGS} -fno-exceptions -fno-rtti -fno-threadsafe-statics --param case-values-threshold=16")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections --specs=nano.specs")
# C++ executables are linked by the C driver, so g++ does not add -lstdc++ (-lstdc++_nano with nano.specs):
# Debian ships those archives only in libstdc++-arm-none-eabi-newlib (300+ MB), and a -fno-exceptions -fno-rtti
# image needs nothing from them but operator new/delete and the std::__throw_* hooks, which the firmware
# defines itself (platform/rp2040/src/cxx_runtime.cpp). The headers still come from libstdc++-arm-none-eabi-dev.
# GCC 13's -nostdlib++ would say the same; Debian 12's GCC 12 does not have it.
set(CMAKE_CXX_LINK_EXECUTABLE
    "<CMAKE_C_COMPILER> <FLAGS> <CMAKE_CXX_LINK_FLAGS> <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES>")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
