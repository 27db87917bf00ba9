// The RAM one instance of each driver takes on the RP2040: for each driver class an array of exactly
// sizeof(class) bytes, which `arm-none-eabi-nm -S` reports as the symbol's size (tools/driver-sizes reads
// them). Nothing here runs; the object is built in the rp2040 preset only to be measured. A driver not yet in
// the tree is skipped by its __has_include.
#include <cstddef>

#define AIOPI_SIZE_OF(name, type)                             \
  extern "C" {                                                \
  alignas(1) unsigned char aiopi_sizeof_##name[sizeof(type)]; \
  }

#if __has_include("aiopi/drivers/switch.hpp")
#include "aiopi/drivers/switch.hpp"
AIOPI_SIZE_OF(Switch, aiopi::drivers::Switch)
#endif
#if __has_include("aiopi/drivers/eswitch.hpp")
#include "aiopi/drivers/eswitch.hpp"
AIOPI_SIZE_OF(ESwitch, aiopi::drivers::ESwitch)
#endif
#if __has_include("aiopi/drivers/pushbutton.hpp")
#include "aiopi/drivers/pushbutton.hpp"
AIOPI_SIZE_OF(Pushbutton, aiopi::drivers::Pushbutton)
#endif
#if __has_include("aiopi/drivers/ebutton.hpp")
#include "aiopi/drivers/ebutton.hpp"
AIOPI_SIZE_OF(EButton, aiopi::drivers::EButton)
#endif
#if __has_include("aiopi/drivers/keyboard.hpp")
#include "aiopi/drivers/keyboard.hpp"
AIOPI_SIZE_OF(Keyboard, aiopi::drivers::Keyboard)
#endif
#if __has_include("aiopi/drivers/sw_array.hpp")
#include "aiopi/drivers/sw_array.hpp"
AIOPI_SIZE_OF(SwArray, aiopi::drivers::SwArray)
#endif
#if __has_include("aiopi/drivers/encoder.hpp")
#include "aiopi/drivers/encoder.hpp"
AIOPI_SIZE_OF(Encoder, aiopi::drivers::Encoder)
#endif
#if __has_include("aiopi/drivers/aadc.hpp")
#include "aiopi/drivers/aadc.hpp"
AIOPI_SIZE_OF(AADC, aiopi::drivers::AADC)
#endif
#if __has_include("aiopi/drivers/nmea_parser.hpp")
#include "aiopi/drivers/nmea_parser.hpp"
AIOPI_SIZE_OF(NmeaParser, aiopi::drivers::NmeaParser)
#endif
#if __has_include("aiopi/drivers/gps.hpp")
#include "aiopi/drivers/gps.hpp"
AIOPI_SIZE_OF(GPS, aiopi::drivers::GPS)
#endif
#if __has_include("aiopi/drivers/gps_timer.hpp")
#include "aiopi/drivers/gps_timer.hpp"
AIOPI_SIZE_OF(GPS_Timer, aiopi::drivers::GPS_Timer)
#endif
#if __has_include("aiopi/drivers/htu21d.hpp")
#include "aiopi/drivers/htu21d.hpp"
AIOPI_SIZE_OF(HTU21D, aiopi::drivers::HTU21D)
#endif
#if __has_include("aiopi/drivers/nec_ir.hpp")
#include "aiopi/drivers/nec_ir.hpp"
AIOPI_SIZE_OF(NecIr, aiopi::drivers::NecIr)
#endif
#if __has_include("aiopi/drivers/hd44780.hpp")
#include "aiopi/drivers/hd44780.hpp"
AIOPI_SIZE_OF(HD44780, aiopi::drivers::HD44780)
#endif
