/* newlib pieces the firmware replaces, so that no heap and no stdio get linked.

   - malloc and friends: the executable is linked with --wrap for each of them
   (platform/rp2040/CMakeLists.txt), so every call lands here and panics; newlib's allocator (and _sbrk) is
   never linked, which tools/firmware-tests checks on every image with arm-none-eabi-nm. The core's default
   frame allocator still refers to malloc, but the frame pool replaces it before main, so these are never
   reached.
   - fputs, fputc, fwrite: the core's default panic writes to stderr through them; here it writes to UART0, so
   newlib's stdio (which allocates its buffers) stays out. The default panic is never reached either (the
   start-up code installs the UART panic handler), but it is linked.
   - abort: stops through aiopi::panic. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

void aiopi_panic_c(const char* message) __attribute__((noreturn));
void aiopi_console_write_c(const char* text, size_t size);

#define AIOPI_NO_HEAP "malloc: the RP2040 firmware has no heap (use static storage)"

void* __wrap_malloc(size_t size) {
  (void)size;
  aiopi_panic_c(AIOPI_NO_HEAP);
}
void* __wrap_calloc(size_t n, size_t size) {
  (void)n;
  (void)size;
  aiopi_panic_c(AIOPI_NO_HEAP);
}
void* __wrap_realloc(void* p, size_t size) {
  (void)p;
  (void)size;
  aiopi_panic_c(AIOPI_NO_HEAP);
}
void __wrap_free(void* p) {
  if (p != NULL) aiopi_panic_c(AIOPI_NO_HEAP);
}
void* __wrap__malloc_r(void* reent, size_t size) {
  (void)reent;
  (void)size;
  aiopi_panic_c(AIOPI_NO_HEAP);
}
void* __wrap__calloc_r(void* reent, size_t n, size_t size) {
  (void)reent;
  (void)n;
  (void)size;
  aiopi_panic_c(AIOPI_NO_HEAP);
}
void* __wrap__realloc_r(void* reent, void* p, size_t size) {
  (void)reent;
  (void)p;
  (void)size;
  aiopi_panic_c(AIOPI_NO_HEAP);
}
void __wrap__free_r(void* reent, void* p) {
  (void)reent;
  if (p != NULL) aiopi_panic_c(AIOPI_NO_HEAP);
}

int fputs(const char* restrict text, FILE* restrict stream) {
  (void)stream;
  aiopi_console_write_c(text, strlen(text));
  return 0;
}

/* GCC turns fputs of a one-character string into fputc. */
int fputc(int c, FILE* stream) {
  (void)stream;
  const char ch = (char)c;
  aiopi_console_write_c(&ch, 1);
  return (unsigned char)c;
}

size_t fwrite(const void* restrict data, size_t size, size_t n, FILE* restrict stream) {
  (void)stream;
  aiopi_console_write_c(data, size * n);
  return n;
}

void abort(void) {
  aiopi_panic_c("abort() called");
}
