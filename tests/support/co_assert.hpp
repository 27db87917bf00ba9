// CO_ASSERT: gtest's ASSERT_* for coroutine bodies. ASSERT_* ends a test with `return`, which a coroutine
// cannot use; this records the failure and ends the coroutine with `co_return` instead.
#pragma once

#include <gtest/gtest.h>

#define CO_ASSERT(cond)                            \
  do {                                             \
    if (!(cond)) {                                 \
      ADD_FAILURE() << "assertion failed: " #cond; \
      co_return;                                   \
    }                                              \
  } while (false)
