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

unsigned char __atomic_exchange_1(volatile void* p, unsigned char v, int order) {
  (void)order;
  unsigned s = irq_off();
  volatile unsigned char* ptr = p;
  unsigned char old = *ptr;
  *ptr = v;
  irq_restore(s);
  return old;
}

unsigned int __atomic_exchange_4(volatile void* p, unsigned int v, int order) {
  (void)order;
  unsigned s = irq_off();
  volatile unsigned int* ptr = p;
  unsigned int old = *ptr;
  *ptr = v;
  irq_restore(s);
  return old;
}

bool __atomic_compare_exchange_4(volatile void* p, void* expected, unsigned int desired, bool weak, int ok,
                                 int fail) {
  (void)weak;
  (void)ok;
  (void)fail;
  unsigned s = irq_off();
  volatile unsigned int* ptr = p;
  unsigned int* exp = expected;
  bool done = *ptr == *exp;
  if (done) {
    *ptr = desired;
  } else {
    *exp = *ptr;
  }
  irq_restore(s);
  return done;
}

unsigned int __atomic_fetch_add_4(volatile void* p, unsigned int v, int order) {
  (void)order;
  unsigned s = irq_off();
  volatile unsigned int* ptr = p;
  unsigned int old = *ptr;
  *ptr = old + v;
  irq_restore(s);
  return old;
}

unsigned int __atomic_fetch_sub_4(volatile void* p, unsigned int v, int order) {
  (void)order;
  unsigned s = irq_off();
  volatile unsigned int* ptr = p;
  unsigned int old = *ptr;
  *ptr = old - v;
  irq_restore(s);
  return old;
}

unsigned int __atomic_fetch_or_4(volatile void* p, unsigned int v, int order) {
  (void)order;
  unsigned s = irq_off();
  volatile unsigned int* ptr = p;
  unsigned int old = *ptr;
  *ptr = old | v;
  irq_restore(s);
  return old;
}

unsigned int __atomic_fetch_and_4(volatile void* p, unsigned int v, int order) {
  (void)order;
  unsigned s = irq_off();
  volatile unsigned int* ptr = p;
  unsigned int old = *ptr;
  *ptr = old & v;
  irq_restore(s);
  return old;
}

bool __atomic_compare_exchange_1(volatile void* p, void* expected, unsigned char desired, bool weak, int ok,
                                 int fail) {
  (void)weak;
  (void)ok;
  (void)fail;
  unsigned s = irq_off();
  volatile unsigned char* ptr = p;
  unsigned char* exp = expected;
  bool done = *ptr == *exp;
  if (done) {
    *ptr = desired;
  } else {
    *exp = *ptr;
  }
  irq_restore(s);
  return done;
}
