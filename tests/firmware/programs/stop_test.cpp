// How a program stops: reads one command byte from UART0 (polling), then
//   'p' aiopi::panic          'f' a fault through the HardFault handler (SVC forwarded to it: rp2040js
//   'o' frame pool exhausted      raises no real faults)
//   'm' malloc                'n' operator new        'u' an interrupt without a handler
//   'e' main returns 3        's' prints the frame pool's figures, then returns 0
//   'k' a recursion 10 KB deep (past the 8 KB stack), then a sleep
// The image has a 2 KiB frame pool (FRAME_POOL_BYTES 2048).
#include <cstdlib>
#include <new>

#include "aiopi/aiopi.hpp"
#include "aiopi/rp2040/console.hpp"
#include "aiopi/rp2040/frame_pool.hpp"
#include "aiopi/rp2040/regs.hpp"

namespace rp = aiopi::rp2040;
using namespace std::chrono_literals;

namespace {

aiopi::Task<> idle() {
  co_await aiopi::sleep(1h);
}

aiopi::Task<int> exhaust_pool() {
  aiopi::TaskHandle<> tasks[64];
  for (auto& t : tasks)
    t = aiopi::create_task(idle());
  co_return 1;  // not reached: the pool holds fewer than 64 sleeping tasks
}

aiopi::Task<int> value_after(int ms, int v) {
  co_await aiopi::sleep_ms(ms);
  co_return v;
}

// Creates and finishes tasks: afterwards no frame is in use and the blocks are back in the free lists.
aiopi::Task<int> short_tasks() {
  int sum = 0;
  for (int round = 0; round < 3; ++round) {
    auto a = aiopi::create_task(value_after(1, 1));
    auto b = aiopi::create_task(value_after(2, 2));
    sum += co_await a + co_await b;
  }
  co_return sum == 9 ? 0 : 1;
}

// Each level fills 512 bytes of stack (volatile, so the compiler cannot drop or merge them).
int deep(int levels) {
  volatile char block[512];
  for (auto& b : block)
    b = 1;
  block[0] = static_cast<char>(levels);
  if (levels == 0) return block[0];
  return deep(levels - 1) + block[511];
}

aiopi::Task<int> overflow_then_sleep() {
  const int r = deep(20);
  co_await aiopi::sleep_ms(1);
  co_return r == 20 ? 0 : 1;
}

void print(const char* key, std::uint32_t value) {
  rp::console_write(key);
  rp::console_write_u32(value);
  rp::console_write("\r\n");
}

}  // namespace

// Stands in for a fault: the SVC exception's frame is handed to the HardFault handler.
extern "C" __attribute__((naked)) void aiopi_isr_svcall() {
  __asm__ volatile(
      "ldr r0, =aiopi_isr_hardfault\n"
      "bx r0\n"
      ".ltorg\n");
}

int main() {
  rp::console_write("ready\r\n");
  int command;
  while ((command = rp::console_read_byte()) < 0) {
  }
  switch (command) {
    case 'p':
      aiopi::panic("test panic 42");
    case 'f':
      __asm__ volatile("svc #0");
      return 1;
    case 'o':
      return aiopi::run(exhaust_pool());
    case 'm': {
      void* (*volatile alloc)(std::size_t) = std::malloc;
      return alloc(16) != nullptr ? 1 : 2;
    }
    case 'n': {
      volatile int* p = new int(1);
      return *p;
    }
    case 'u':
      rp::reg(0xe000e100) = 1u << static_cast<unsigned>(rp::Irq::rtc);  // NVIC ISER
      rp::reg(0xe000e200) = 1u << static_cast<unsigned>(rp::Irq::rtc);  // NVIC ISPR: pend it
      return 1;
    case 'e':
      return 3;
    case 'k':
      return aiopi::run(overflow_then_sleep());
    case 's': {
      const auto before = rp::frame_pool().stats();
      int r = aiopi::run(short_tasks());
      const auto after = rp::frame_pool().stats();
      print("capacity=", before.capacity);
      print("in_use_after=", after.blocks_in_use);
      print("high_water=", after.high_water);
      return r;
    }
    default:
      return 99;
  }
}
