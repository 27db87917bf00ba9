// The HAL interfaces in one include: errors as values, digital I/O with awaitable edges, the I2C bus, ADC,
// PWM, byte streams (StreamReader / StreamWriter) and the UART. Drivers take these interfaces by reference
// and never open devices themselves (DESIGN.md §3).
#pragma once

#include "aiopi/hal/adc.hpp"
#include "aiopi/hal/digital.hpp"
#include "aiopi/hal/error.hpp"
#include "aiopi/hal/i2c.hpp"
#include "aiopi/hal/pwm.hpp"
#include "aiopi/hal/stream.hpp"
#include "aiopi/hal/uart.hpp"
