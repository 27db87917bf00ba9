// The Linux I2C bus's worker on the real Linux loop, with a simulated adapter (RegisterMapPort) behind it:
// transfers and the SMBus helpers on raw and SMBus-only adapters, submission order, abort of queued and
// running transfers (cancel and time limit), close with transfers queued, errnos as kinds.
//
// Nothing here depends on wall-clock timing: a "gate" in the adapter holds the worker inside a transfer until
// the test lets it go, and tells the loop (a ThreadSafeFlag) when it got there.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "../support/co_assert.hpp"
#include "aiopi/aiopi.hpp"
#include "aiopi/linux/i2c_bus.hpp"
#include "aiopi/linux/i2c_register_map_port.hpp"
#include "aiopi/linux/linux_backend.hpp"

namespace aiopi::os_linux {
namespace {

using namespace std::chrono_literals;
using hal::IoErrc;
using hal::IoResult;

constexpr std::uint16_t kDev = 0x50;
constexpr std::uint16_t kAbsent = 0x23;

/// The register-map adapter with a gate: while held, the worker waits inside the adapter (as it would in a
/// slow ioctl). `entered` is set each time a transfer reaches the adapter.
class GatedPort : public RegisterMapPort {
 public:
  using RegisterMapPort::RegisterMapPort;
  ThreadSafeFlag entered;

  void hold() {
    std::lock_guard lock(m_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lock(m_);
      held_ = false;
    }
    cv_.notify_all();
  }
  int rdwr(std::span<hal::I2cMessage> msgs) noexcept override {
    gate();
    return RegisterMapPort::rdwr(msgs);
  }
  int smbus(SmbusCall& call) noexcept override {
    gate();
    return RegisterMapPort::smbus(call);
  }

 private:
  void gate() {
    entered.set();
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return !held_; });
  }
  std::mutex m_;
  std::condition_variable cv_;
  bool held_ = false;
};

/// What the bus owns: forwards to the test's port, so the test can look at it after the bus is gone.
class Forward final : public I2cAdapterPort {
 public:
  explicit Forward(I2cAdapterPort& to) : to_(to) {}
  std::uint32_t funcs() noexcept override { return to_.funcs(); }
  int rdwr(std::span<hal::I2cMessage> msgs) noexcept override { return to_.rdwr(msgs); }
  int smbus(SmbusCall& call) noexcept override { return to_.smbus(call); }

 private:
  I2cAdapterPort& to_;
};

class LinuxI2cWorker : public ::testing::Test {
 protected:
  LinuxBackend backend;
  Loop loop{backend};
  std::unique_ptr<GatedPort> port;
  std::unique_ptr<LinuxI2cBus> bus;

  void make(std::uint32_t funcs = RegisterMapPort::kRawFuncs) {
    port = std::make_unique<GatedPort>(funcs);
    port->add_device(kDev);
    bus = std::make_unique<LinuxI2cBus>(loop, std::make_unique<Forward>(*port));
  }
  void TearDown() override {
    if (port) port->release();
    bus.reset();
  }
  template <class T>
  T run(Task<T> main) {
    return loop.run_until_complete(std::move(main));
  }
};

// ---- transfers
// ----------------------------------------------------------------------------------------------

TEST_F(LinuxI2cWorker, WriteThenWriteReadWithRepeatedStart) {
  make();
  auto main_task = [&]() -> Task<> {
    const std::uint8_t data[] = {0x10, 1, 2, 3};
    IoResult<void> w = co_await bus->write(kDev, data);
    CO_ASSERT(w.ok());
    const std::uint8_t reg[] = {0x11};
    std::array<std::uint8_t, 2> in{};
    IoResult<void> r = co_await bus->write_read(kDev, reg, in);
    CO_ASSERT(r.ok());
    EXPECT_EQ(in, (std::array<std::uint8_t, 2>{2, 3}));
    std::array<std::uint8_t, 1> next{};
    IoResult<void> r2 = co_await bus->read(kDev, next);  // the pointer carried on past 0x12
    CO_ASSERT(r2.ok());
    EXPECT_EQ(next[0], 0);
  };
  run(main_task());
  EXPECT_EQ(port->get(kDev, 0x10), 1);
  EXPECT_EQ(port->get(kDev, 0x12), 3);
  const RegisterMapPort::Call last = port->last_call();
  EXPECT_FALSE(last.smbus);
  EXPECT_EQ(last.messages, 1u);
  EXPECT_EQ(bus->worker_transfers(), 3u);
}

TEST_F(LinuxI2cWorker, SmbusHelpersOnARawAdapterRunAsRdwr) {
  make();
  port->set(kDev, 0x20, 0xcd);
  auto main_task = [&]() -> Task<> {
    auto b = co_await bus->read_byte_data(kDev, 0x20);
    CO_ASSERT(b.ok());
    EXPECT_EQ(*b, 0xcd);
    EXPECT_FALSE(port->last_call().smbus);
    EXPECT_EQ(port->last_call().messages, 2u);
    CO_ASSERT((co_await bus->write_word_data(kDev, 0x30, 0xbeef)).ok());
    auto w = co_await bus->read_word_data(kDev, 0x30);
    CO_ASSERT(w.ok());
    EXPECT_EQ(*w, 0xbeef);
  };
  run(main_task());
  EXPECT_EQ(port->get(kDev, 0x30), 0xef) << "SMBus words are little-endian";
  EXPECT_EQ(port->get(kDev, 0x31), 0xbe);
}

TEST_F(LinuxI2cWorker, ABlockReadOnARawAdapterWithoutReadBlockDataIsUnsupported) {
  make();
  auto main_task = [&]() -> Task<> {
    std::array<std::uint8_t, 32> out{};
    auto r = co_await bus->read_block_data(kDev, 0x40, out);
    CO_ASSERT(!r.ok());
    EXPECT_EQ(r.error().kind, IoErrc::unsupported);
  };
  run(main_task());
  EXPECT_EQ(port->transfers(), 0u) << "refused without reaching the adapter";
}

TEST_F(LinuxI2cWorker, SmbusHelpersOnAnSmbusOnlyAdapterRunAsSmbusCalls) {
  make(RegisterMapPort::kSmbusFuncs);
  port->set(kDev, 0x05, 0x99);
  auto expect_call = [&](SmbusKind kind, bool read) {
    const RegisterMapPort::Call c = port->last_call();
    EXPECT_TRUE(c.smbus);
    EXPECT_EQ(c.kind, kind);
    EXPECT_EQ(c.read, read);
  };
  auto main_task = [&]() -> Task<> {
    CO_ASSERT((co_await bus->write_byte(kDev, 0x05)).ok());
    expect_call(SmbusKind::byte, false);
    auto rb = co_await bus->read_byte(kDev);
    CO_ASSERT(rb.ok());
    EXPECT_EQ(*rb, 0x99);
    expect_call(SmbusKind::byte, true);

    CO_ASSERT((co_await bus->write_byte_data(kDev, 0x06, 0x42)).ok());
    expect_call(SmbusKind::byte_data, false);
    auto bd = co_await bus->read_byte_data(kDev, 0x06);
    CO_ASSERT(bd.ok());
    EXPECT_EQ(*bd, 0x42);
    expect_call(SmbusKind::byte_data, true);

    CO_ASSERT((co_await bus->write_word_data(kDev, 0x08, 0x1234)).ok());
    expect_call(SmbusKind::word_data, false);
    auto wd = co_await bus->read_word_data(kDev, 0x08);
    CO_ASSERT(wd.ok());
    EXPECT_EQ(*wd, 0x1234);
    expect_call(SmbusKind::word_data, true);

    const std::uint8_t block[] = {0xa1, 0xa2, 0xa3, 0xa4};
    CO_ASSERT((co_await bus->write_block_data(kDev, 0x60, block)).ok());
    expect_call(SmbusKind::block_data, false);
    std::array<std::uint8_t, 32> out{};
    auto n = co_await bus->read_block_data(kDev, 0x60, out);
    CO_ASSERT(n.ok());
    EXPECT_EQ(*n, 4u);
    EXPECT_EQ(out[0], 0xa1);
    EXPECT_EQ(out[3], 0xa4);
    expect_call(SmbusKind::block_data, true);

    // A plain write of a register and four bytes, and a read of five from a register: I2C blocks.
    const std::uint8_t raw[] = {0x70, 1, 2, 3, 4};
    CO_ASSERT((co_await bus->write(kDev, raw)).ok());
    expect_call(SmbusKind::i2c_block_data, false);
    const std::uint8_t reg[] = {0x70};
    std::array<std::uint8_t, 5> five{};
    CO_ASSERT((co_await bus->write_read(kDev, reg, five)).ok());
    expect_call(SmbusKind::i2c_block_data, true);
    EXPECT_EQ(five, (std::array<std::uint8_t, 5>{1, 2, 3, 4, 0}));
  };
  run(main_task());
  EXPECT_EQ(port->get(kDev, 0x60), 4) << "a block's count is the byte at its register";
}

TEST_F(LinuxI2cWorker, ShapesAnSmbusOnlyAdapterCannotRunAreUnsupportedWithoutASystemCall) {
  make(RegisterMapPort::kSmbusFuncs);
  auto main_task = [&]() -> Task<> {
    const std::uint8_t two[] = {0x10, 0x11};
    std::array<std::uint8_t, 3> in{};
    auto r = co_await bus->write_read(kDev, two, in);
    CO_ASSERT(!r.ok());
    EXPECT_EQ(r.error().kind, IoErrc::unsupported);
    EXPECT_EQ(r.error().sys_errno, 0);
    auto r2 = co_await bus->read(kDev, in);
    EXPECT_EQ(r2.error().kind, IoErrc::unsupported);
    // The bus goes on: a supported transfer after the refused ones.
    auto ok = co_await bus->read_byte_data(kDev, 0x10);
    EXPECT_TRUE(ok.ok());
  };
  run(main_task());
  EXPECT_EQ(port->transfers(), 1u);
}

TEST_F(LinuxI2cWorker, TransfersRunInSubmissionOrder) {
  make();
  constexpr int kN = 12;
  std::vector<int> completed;
  auto writer = [&](int i) -> Task<> {
    const std::uint8_t data[] = {0x00, static_cast<std::uint8_t>(i)};
    auto r = co_await bus->write(kDev, data);
    EXPECT_TRUE(r.ok());
    completed.push_back(i);
  };
  auto main_task = [&]() -> Task<> {
    std::vector<TaskHandle<>> tasks;
    for (int i = 0; i < kN; ++i)
      tasks.push_back(loop.create_task(writer(i)));
    co_await yield_now();
    EXPECT_GE(bus->in_flight(), 1u);
    for (auto& t : tasks)
      co_await t;
  };
  run(main_task());
  std::vector<int> expected;
  for (int i = 0; i < kN; ++i)
    expected.push_back(i);
  EXPECT_EQ(completed, expected);
  EXPECT_EQ(port->get(kDev, 0x00), kN - 1) << "the last write submitted is the last the device saw";
}

// ---- errors
// -------------------------------------------------------------------------------------------------

TEST_F(LinuxI2cWorker, AnAbsentAddressIsANack) {
  make();
  auto main_task = [&]() -> Task<> {
    auto r = co_await bus->read_byte_data(kAbsent, 0x00);
    CO_ASSERT(!r.ok());
    EXPECT_EQ(r.error().kind, IoErrc::nack);
    EXPECT_EQ(r.error().sys_errno, ENXIO);
  };
  run(main_task());
}

TEST_F(LinuxI2cWorker, TheAdaptersErrnosBecomeKinds) {
  make();
  struct Case {
    int e;
    IoErrc kind;
  };
  const std::vector<Case> cases = {{ENXIO, IoErrc::nack},        {EREMOTEIO, IoErrc::nack},
                                   {EAGAIN, IoErrc::bus_error},  {EIO, IoErrc::bus_error},
                                   {ETIMEDOUT, IoErrc::timeout}, {EOPNOTSUPP, IoErrc::unsupported},
                                   {EPROTO, IoErrc::io}};
  auto main_task = [&]() -> Task<> {
    for (const Case& c : cases) {
      port->fail_next(c.e);
      auto r = co_await bus->write_byte_data(kDev, 0x01, 0x02);
      EXPECT_FALSE(r.ok());
      EXPECT_EQ(r.error().kind, c.kind) << "errno " << c.e << ": " << r.error().what;
      EXPECT_EQ(r.error().sys_errno, c.e);
    }
    // A failed read leaves the caller's buffer alone.
    std::array<std::uint8_t, 2> in{0x5a, 0x5a};
    port->set(kDev, 0x02, 0x11);
    port->fail_next(EIO);
    const std::uint8_t reg[] = {0x02};
    auto r = co_await bus->write_read(kDev, reg, in);
    EXPECT_EQ(r.error().kind, IoErrc::bus_error);
    EXPECT_EQ(in, (std::array<std::uint8_t, 2>{0x5a, 0x5a}));
  };
  run(main_task());
  EXPECT_EQ(port->get(kDev, 0x01), 0) << "scripted failures touch nothing";
}

// ---- abort
// ----------------------------------------------------------------------------------------------------

TEST_F(LinuxI2cWorker, CancellingTheRunningTransferDoesNotWaitForTheAdapter) {
  make();
  port->set(kDev, 0x10, 0xab);
  port->hold();
  // Outside every frame: the abandoned transfer's result must never be copied here.
  std::array<std::uint8_t, 1> sink{0xee};
  auto reader = [&]() -> Task<> {
    const std::uint8_t reg[] = {0x10};
    (void)co_await bus->write_read(kDev, reg, sink);
    ADD_FAILURE() << "the transfer completed although its task was cancelled";
  };
  auto writer = [&]() -> Task<IoResult<void>> { co_return co_await bus->write_byte_data(kDev, 0x20, 0x5a); };
  auto main_task = [&]() -> Task<> {
    auto r = loop.create_task(reader());
    co_await port->entered.wait();  // the worker is inside the adapter with the read
    r.cancel();
    auto outcome = co_await r.wait_outcome();  // ends while the worker is still held
    EXPECT_TRUE(outcome.cancelled());
    EXPECT_EQ(bus->in_flight(), 0u);
    // The next transfer waits for the worker, still busy with the abandoned one.
    auto w = loop.create_task(writer());
    co_await yield_now();
    EXPECT_EQ(bus->in_flight(), 1u);
    EXPECT_EQ(bus->worker_transfers(), 1u) << "the worker has not taken the next one";
    port->release();
    IoResult<void> res = co_await w;
    EXPECT_TRUE(res.ok());
  };
  run(main_task());
  EXPECT_EQ(sink[0], 0xee);
  EXPECT_EQ(bus->discarded(), 1u);
  EXPECT_EQ(port->get(kDev, 0x20), 0x5a);
  EXPECT_EQ(port->transfers(), 2u);
}

TEST_F(LinuxI2cWorker, ATimeLimitAbortsTheRunningTransfer) {
  make();
  port->hold();
  auto main_task = [&]() -> Task<> {
    // The adapter is held until the time limit has fired: the outcome does not depend on how long it takes.
    auto r = co_await bus->read_byte_data(kDev, 0x00).timeout(2ms);
    CO_ASSERT(!r.ok());
    EXPECT_EQ(r.error().kind, IoErrc::timeout);
    port->release();
    auto next = co_await bus->read_byte_data(kDev, 0x00);
    EXPECT_TRUE(next.ok());
  };
  run(main_task());
  EXPECT_EQ(bus->discarded(), 1u);
}

TEST_F(LinuxI2cWorker, CancellingAQueuedTransferUnlinksIt) {
  make();
  port->hold();
  auto write = [&](std::uint8_t reg, std::uint8_t v) -> Task<IoResult<void>> {
    co_return co_await bus->write_byte_data(kDev, reg, v);
  };
  auto main_task = [&]() -> Task<> {
    auto first = loop.create_task(write(0x01, 0x11));
    co_await port->entered.wait();
    auto second = loop.create_task(write(0x02, 0x22));  // queued behind the held one
    auto third = loop.create_task(write(0x03, 0x33));
    co_await yield_now();
    EXPECT_EQ(bus->in_flight(), 3u);
    second.cancel();
    auto out = co_await second.wait_outcome();
    EXPECT_TRUE(out.cancelled());
    EXPECT_EQ(bus->in_flight(), 2u);
    port->release();
    EXPECT_TRUE((co_await first).ok());
    EXPECT_TRUE((co_await third).ok());
  };
  run(main_task());
  EXPECT_EQ(port->get(kDev, 0x01), 0x11);
  EXPECT_EQ(port->get(kDev, 0x02), 0x00) << "the cancelled transfer never reached the adapter";
  EXPECT_EQ(port->get(kDev, 0x03), 0x33);
  EXPECT_EQ(port->transfers(), 2u);
  EXPECT_EQ(bus->discarded(), 0u);
}

TEST_F(LinuxI2cWorker, AQueuedTransferWhoseTimeLimitPassesNeverRuns) {
  make();
  port->hold();
  auto first_write = [&]() -> Task<IoResult<void>> {
    co_return co_await bus->write_byte_data(kDev, 0x01, 0x11);
  };
  auto main_task = [&]() -> Task<> {
    auto first = loop.create_task(first_write());
    co_await port->entered.wait();
    auto r = co_await bus->write_byte_data(kDev, 0x02, 0x22).timeout(1ms);
    EXPECT_EQ(r.error().kind, IoErrc::timeout);
    port->release();
    EXPECT_TRUE((co_await first).ok());
  };
  run(main_task());
  EXPECT_EQ(port->get(kDev, 0x02), 0x00);
  EXPECT_EQ(port->transfers(), 1u);
}

// ---- close
// ----------------------------------------------------------------------------------------------------

TEST_F(LinuxI2cWorker, CloseCompletesTheRunningAndQueuedTransfersWithClosed) {
  make();
  port->hold();
  auto write = [&](std::uint8_t reg) -> Task<IoResult<void>> {
    co_return co_await bus->write_byte_data(kDev, reg, 0x77);
  };
  std::thread releaser;
  std::atomic<bool> go{false};
  auto main_task = [&]() -> Task<> {
    auto a = loop.create_task(write(0x01));
    co_await port->entered.wait();
    auto b = loop.create_task(write(0x02));
    auto c = loop.create_task(write(0x03));
    co_await yield_now();
    EXPECT_EQ(bus->in_flight(), 3u);
    // close() joins the worker, which sits in the held adapter: another thread lets it go.
    releaser = std::thread([&] {
      while (!go.load())
        std::this_thread::yield();
      port->release();
    });
    go.store(true);
    bus->close();
    EXPECT_TRUE(bus->closed());
    EXPECT_EQ(bus->in_flight(), 0u);
    for (auto* t : {&a, &b, &c}) {
      IoResult<void> r = co_await *t;
      EXPECT_EQ(r.error().kind, IoErrc::closed);
    }
    // Later transfers end at once.
    auto late = co_await bus->read_byte_data(kDev, 0x01);
    EXPECT_EQ(late.error().kind, IoErrc::closed);
  };
  run(main_task());
  releaser.join();
  EXPECT_EQ(port->transfers(), 1u) << "the queued transfers never reached the adapter";
  EXPECT_EQ(port->get(kDev, 0x02), 0x00);
  EXPECT_EQ(port->get(kDev, 0x03), 0x00);
}

TEST_F(LinuxI2cWorker, DestroyingTheBusCompletesQueuedTransfers) {
  make();
  port->hold();
  std::vector<IoErrc> results;
  auto write = [&](std::uint8_t reg) -> Task<> {
    auto r = co_await bus->write_byte_data(kDev, reg, 0x77);
    results.push_back(r.error().kind);
  };
  std::thread releaser;
  std::atomic<bool> go{false};
  auto main_task = [&]() -> Task<> {
    auto a = loop.create_task(write(0x01));
    co_await port->entered.wait();
    auto b = loop.create_task(write(0x02));
    co_await yield_now();
    releaser = std::thread([&] {
      while (!go.load())
        std::this_thread::yield();
      port->release();
    });
    go.store(true);
    bus.reset();
    co_await a;
    co_await b;
  };
  run(main_task());
  releaser.join();
  EXPECT_EQ(results, (std::vector<IoErrc>{IoErrc::closed, IoErrc::closed}));
}

TEST_F(LinuxI2cWorker, CloseOfAnIdleBusAndTwiceIsFine) {
  make();
  bus->close();
  bus->close();
  auto main_task = [&]() -> Task<> {
    auto r = co_await bus->write_byte(kDev, 1);
    EXPECT_EQ(r.error().kind, IoErrc::closed);
  };
  run(main_task());
  EXPECT_EQ(port->transfers(), 0u);
}

// Many tasks, many transfers, cancellations and time limits racing the worker: nothing lost, nothing stuck,
// every transfer completes exactly once (run it under tsan).
TEST_F(LinuxI2cWorker, ManyTransfersWithCancellationsFromSeveralTasks) {
  make();
  constexpr int kTasks = 8;
  constexpr int kEach = 50;
  int plain = 0, plain_ok = 0, limited = 0, limited_done = 0;
  auto worker = [&](int id) -> Task<> {
    for (int i = 0; i < kEach; ++i) {
      const auto reg = static_cast<std::uint8_t>(id * kEach + i);
      if (i % 7 == 3) {
        // Cancelled at once or a little later, queued or running: whichever, it ends exactly once.
        ++limited;
        auto r = co_await wait_for(bus->write_byte_data(kDev, reg, 1), std::chrono::microseconds(i % 3));
        if (r.timed_out() || r->ok()) ++limited_done;
      } else {
        ++plain;
        auto r = co_await bus->write_byte_data(kDev, reg, 1);
        if (r.ok()) ++plain_ok;
      }
    }
  };
  auto main_task = [&]() -> Task<> {
    std::vector<TaskHandle<>> tasks;
    for (int t = 0; t < kTasks; ++t)
      tasks.push_back(loop.create_task(worker(t)));
    for (auto& t : tasks)
      co_await t;
  };
  run(main_task());
  EXPECT_EQ(plain_ok, plain);
  EXPECT_EQ(limited_done, limited);
  EXPECT_EQ(bus->in_flight(), 0u);
  EXPECT_EQ(bus->worker_transfers(), port->transfers());
}

}  // namespace
}  // namespace aiopi::os_linux
