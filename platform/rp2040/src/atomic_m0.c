/* The Cortex-M0+ has no exclusive load/store, so GCC turns std::atomic read-modify-write operations into
   __atomic_* library calls. On a single core a short interrupts-off section makes them atomic. (Core 1 is not
   used by the port; if it ever is, these need an SIO hardware spinlock as well.) Written in C because C++
   refuses to redefine these built-in names. */
#include <stdbool.h>

static inline unsigned irq_off(void) {
  unsigned primask;
  __asm__ volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
  return primask;
}
static inline void irq_restore(unsigned primask) {
  __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
}

/* The read-modify-write operations: `old = *p; *p = NEW; return old;` with interrupts off, where NEW is an
   expression of `old` and `v`. */
#define AIOPI_ATOMIC_RMW(name, type, new_value)    \
  type name(volatile void* p, type v, int order) { \
    (void)order;                                   \
    unsigned s = irq_off();                        \
    volatile type* ptr = p;                        \
    type old = *ptr;                               \
    *ptr = (new_value);                            \
    irq_restore(s);                                \
    return old;                                    \
  }

AIOPI_ATOMIC_RMW(__atomic_exchange_1, unsigned char, v)
AIOPI_ATOMIC_RMW(__atomic_exchange_4, unsigned int, v)
AIOPI_ATOMIC_RMW(__atomic_fetch_add_4, unsigned int, (old + v))
AIOPI_ATOMIC_RMW(__atomic_fetch_sub_4, unsigned int, (old - v))
AIOPI_ATOMIC_RMW(__atomic_fetch_or_4, unsigned int, (old | v))
AIOPI_ATOMIC_RMW(__atomic_fetch_and_4, unsigned int, (old & v))

/* Compare-and-exchange: strong whatever `weak` says (nothing can interrupt it), so it fails only on a
   different value, which is written back to *expected. */
#define AIOPI_ATOMIC_CAS(name, type)                                                       \
  bool name(volatile void* p, void* expected, type desired, bool weak, int ok, int fail) { \
    (void)weak;                                                                            \
    (void)ok;                                                                              \
    (void)fail;                                                                            \
    unsigned s = irq_off();                                                                \
    volatile type* ptr = p;                                                                \
    type* exp = expected;                                                                  \
    bool done = *ptr == *exp;                                                              \
    if (done) {                                                                            \
      *ptr = desired;                                                                      \
    } else {                                                                               \
      *exp = *ptr;                                                                         \
    }                                                                                      \
    irq_restore(s);                                                                        \
    return done;                                                                           \
  }

AIOPI_ATOMIC_CAS(__atomic_compare_exchange_1, unsigned char)
AIOPI_ATOMIC_CAS(__atomic_compare_exchange_4, unsigned int)
