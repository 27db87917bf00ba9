// Shared bits of the tests of Queue, RingbufQueue, Semaphore, Condition, Barrier and Delay_ms.
#pragma once

#include "../unit/sim_fixture.hpp"

#if AIOPI_HAS_EXCEPTIONS
#define EXPECT_USAGE_ERROR(stmt, pattern) EXPECT_THROW(stmt, ::aiopi::UsageError)
#else
#define EXPECT_USAGE_ERROR(stmt, pattern) EXPECT_DEATH(stmt, pattern)
#endif
