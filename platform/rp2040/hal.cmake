# H2's HAL on the RP2040 (README.md, "HAL on the RP2040"): GPIO, UART, I2C, ADC and PWM behind the
# interfaces of lib/include/aiopi/hal, added to the port's object library (CMakeLists.txt includes this).
target_sources(aiopi_rp2040 PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/src/hal/gpio.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/hal/uart.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/hal/i2c.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/hal/adc.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/hal/pwm.cpp
)
