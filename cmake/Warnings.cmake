# One place for the warning set, so every target (host and MCU) is held to the same bar.
add_library(aiopi_warnings INTERFACE)
target_compile_options(aiopi_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wcast-align -Wunused -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor -Woverloaded-virtual>)
if(AIOPI_WERROR)
  target_compile_options(aiopi_warnings INTERFACE -Werror)
endif()
