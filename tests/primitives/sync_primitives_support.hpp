// Shared bits of the tests of Queue, RingbufQueue, Semaphore, Condition, Barrier and Delay_ms.
#pragma once

#include "../unit/sim_fixture.hpp"
