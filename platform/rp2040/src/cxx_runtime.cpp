// The few C++ runtime pieces an RP2040 image needs, so that it links without libstdc++'s archives.
//
// The rp2040 toolchain links C++ executables with the C driver (cmake/toolchains/rp2040.cmake): with
// -fno-exceptions -fno-rtti and no thread-safe statics, what a libstdc++ archive would contribute is only
// operator new/delete and the std::__throw_* hooks that the headers call when a container's precondition
// fails. Each of them ends in aiopi::panic here, as the core's own unrecoverable errors do. Unused ones cost
// nothing: every function has its own section and the link collects garbage.
#include <bits/functexcept.h>  // the exact declarations of std::__throw_*, which the headers call

#include <cstddef>
#include <new>

#include "aiopi/panic.hpp"

// Global allocation: the firmware has no heap (no malloc: coroutine frames come from the frame pool,
// everything else is static). A call reports which size was asked for and stops.
namespace {
[[noreturn]] void no_heap() {
  aiopi::panic("operator new: the RP2040 firmware has no heap (use static storage)");
}
}  // namespace
void* operator new(std::size_t) {
  no_heap();
}
void* operator new[](std::size_t) {
  no_heap();
}
void* operator new(std::size_t, const std::nothrow_t&) noexcept {
  no_heap();
}
void* operator new[](std::size_t, const std::nothrow_t&) noexcept {
  no_heap();
}
// Nothing was ever allocated, so nothing is deleted; delete of a null pointer is a no-op.
void operator delete(void* p) noexcept {
  if (p != nullptr) no_heap();
}
void operator delete[](void* p) noexcept {
  if (p != nullptr) no_heap();
}
void operator delete(void* p, std::size_t) noexcept {
  if (p != nullptr) no_heap();
}
void operator delete[](void* p, std::size_t) noexcept {
  if (p != nullptr) no_heap();
}

// Firmware never exits, so destructors of statics never run: registering them is a no-op. On ARM the
// compiler registers them through the EABI's __aeabi_atexit (which libstdc++ would forward to __cxa_atexit).
extern "C" {
void* __dso_handle = nullptr;
int __cxa_atexit(void (*)(void*), void*, void*) {
  return 0;
}
int __aeabi_atexit(void*, void (*)(void*), void*) {
  return 0;
}
}

extern "C" {
// A pure virtual function called through a vtable under construction or destruction.
[[noreturn]] void __cxa_pure_virtual() {
  aiopi::panic("pure virtual function called");
}
}

// With exceptions off, libstdc++'s headers still call these (bits/functexcept.h) where they would throw.
namespace std {
void __throw_bad_exception() {
  aiopi::panic("std::bad_exception");
}
void __throw_bad_alloc() {
  aiopi::panic("std::bad_alloc");
}
void __throw_bad_array_new_length() {
  aiopi::panic("std::bad_array_new_length");
}
void __throw_bad_cast() {
  aiopi::panic("std::bad_cast");
}
void __throw_bad_typeid() {
  aiopi::panic("std::bad_typeid");
}
void __throw_logic_error(const char* what) {
  aiopi::panic(what);
}
void __throw_domain_error(const char* what) {
  aiopi::panic(what);
}
void __throw_invalid_argument(const char* what) {
  aiopi::panic(what);
}
void __throw_length_error(const char* what) {
  aiopi::panic(what);
}
void __throw_out_of_range(const char* what) {
  aiopi::panic(what);
}
void __throw_out_of_range_fmt(const char* format, ...) {
  aiopi::panic(format);  // the unformatted message: formatting would pull in printf
}
void __throw_runtime_error(const char* what) {
  aiopi::panic(what);
}
void __throw_range_error(const char* what) {
  aiopi::panic(what);
}
void __throw_overflow_error(const char* what) {
  aiopi::panic(what);
}
void __throw_underflow_error(const char* what) {
  aiopi::panic(what);
}
void __throw_ios_failure(const char* what) {
  aiopi::panic(what);
}
void __throw_ios_failure(const char* what, int) {
  aiopi::panic(what);
}
void __throw_system_error(int) {
  aiopi::panic("std::system_error");
}
void __throw_future_error(int) {
  aiopi::panic("std::future_error");
}
void __throw_bad_function_call() {
  aiopi::panic("std::bad_function_call");
}
}  // namespace std
