// A program written against an installed aiopi: a few coroutines on aiopi::run() on whichever default backend
// it was linked with (the Linux epoll loop or the simulated board). Prints one line and exits 0 when the
// coroutines ran in the expected order.
#include <cstdio>

#include "aiopi/aiopi.hpp"

using namespace std::chrono_literals;

namespace {

aiopi::Task<int> count_ticks(aiopi::Event& done, int ticks) {
  for (int i = 0; i < ticks; ++i)
    co_await aiopi::sleep(1ms);
  done.set();
  co_return ticks;
}

aiopi::Task<int> waiter(aiopi::Event& done) {
  co_await done.wait();
  co_return 10;
}

aiopi::Task<int> consumer_main() {
  aiopi::Event done;
  const int ticks = co_await count_ticks(done, 3);
  const int after = co_await waiter(done);
  co_return ticks + after;
}

}  // namespace

int main() {
  const int result = aiopi::run(consumer_main());
  std::printf("aiopi consumer: %d\n", result);
  return result == 13 ? 0 : 1;
}
