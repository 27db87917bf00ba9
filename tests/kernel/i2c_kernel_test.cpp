// The Linux I2C backend (os_linux::LinuxI2cBus) against a real kernel, inside the qemu guest of
// tools/kernel-tests: i2c-dev, i2c-stub (SMBus only, one chip at 0x40, adapter "SMBus stub driver") and the
// project's aiopi-test-i2c adapter (tests/kernel/modules/aiopi_i2c_test.c: raw transfers, 256-byte register
// maps at 0x50 and 0x51, -ENXIO for every other address).
//
// Covered: bus lookup by adapter name and number, the missing-bus message, SMBus byte / byte data / word data
// / block data on i2c-stub, raw transfers refused there (and I2C_RDWR's own EOPNOTSUPP), I2C_RDWR
// write-then-read with a repeated start on the test adapter, NACK on an absent address. Every test puts back
// the registers it wrote (the programs share one boot).
#include <linux/i2c.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <fstream>
#include <string>
#include <vector>

#include "../support/co_assert.hpp"
#include "aiopi/aiopi.hpp"
#include "aiopi/linux/i2c_bus.hpp"
#include "aiopi/linux/i2c_lookup.hpp"
#include "aiopi/linux/linux_backend.hpp"

namespace aiopi::os_linux {
namespace {

using hal::IoErrc;
using hal::IoResult;

constexpr const char* kStubName = "SMBus stub driver";
constexpr std::uint16_t kStubChip = 0x40;
constexpr const char* kTestAdapterName = "aiopi-test-i2c";
constexpr std::uint16_t kDevA = 0x50;
constexpr std::uint16_t kDevB = 0x51;
constexpr std::uint16_t kAbsent = 0x23;
constexpr const char* kStubFunctionality = "/sys/module/i2c_stub/parameters/functionality";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class KernelI2c : public ::testing::Test {
 protected:
  LinuxBackend backend;
  Loop loop{backend};

  /// Opens a bus by name; a failure is fatal to the test and shows the backend's message.
  std::unique_ptr<LinuxI2cBus> open(const std::string& what) {
    auto bus = LinuxI2cBus::open(loop, what);
    if (!bus) {
      ADD_FAILURE() << "open '" << what << "': " << bus.error().message;
      return nullptr;
    }
    return bus.take();
  }
  template <class T>
  T run(Task<T> main) {
    return loop.run_until_complete(std::move(main));
  }
};

// ---- lookup
// -------------------------------------------------------------------------------------------------

TEST_F(KernelI2c, FindsBothAdaptersByNameAndByNumber) {
  const auto buses = list_i2c_buses();
  std::string names = describe_i2c_buses(buses);
  EXPECT_TRUE(contains(names, kStubName)) << names;
  EXPECT_TRUE(contains(names, kTestAdapterName)) << names;

  auto test_adapter = open(kTestAdapterName);
  ASSERT_TRUE(test_adapter);
  EXPECT_EQ(test_adapter->info().name, kTestAdapterName);
  EXPECT_NE(test_adapter->funcs() & I2C_FUNC_I2C, 0u);
  EXPECT_EQ(test_adapter->info().dev_path, "/dev/i2c-" + std::to_string(test_adapter->info().number));

  // The stub by the start of its name ("SMBus stub driver"), then by number and by path: the same adapter.
  auto stub = open("SMBus stub");
  ASSERT_TRUE(stub);
  EXPECT_EQ(stub->info().name, kStubName);
  EXPECT_EQ(stub->funcs() & I2C_FUNC_I2C, 0u) << "i2c-stub speaks SMBus only";
  for (const std::string& what : {std::to_string(stub->info().number), stub->info().dev_path}) {
    auto same = open(what);
    ASSERT_TRUE(same);
    EXPECT_EQ(same->info().name, kStubName) << what;
    EXPECT_EQ(same->info().number, stub->info().number) << what;
  }
}

TEST_F(KernelI2c, AMissingBusNamesWhatWasAskedAndListsTheBusesHere) {
  auto bus = LinuxI2cBus::open(loop, "no-such-adapter");
  ASSERT_FALSE(bus.ok());
  const OpenError& e = bus.error();
  EXPECT_EQ(e.error.kind, IoErrc::not_found);
  EXPECT_TRUE(contains(e.message, "'no-such-adapter' not found")) << e.message;
  EXPECT_TRUE(contains(e.message, std::string("[") + kStubName + "]")) << e.message;
  EXPECT_TRUE(contains(e.message, std::string("[") + kTestAdapterName + "]")) << e.message;

  auto by_number = LinuxI2cBus::open(loop, "99");
  ASSERT_FALSE(by_number.ok());
  EXPECT_EQ(by_number.error().error.kind, IoErrc::not_found);
  EXPECT_TRUE(contains(by_number.error().message, "'99' not found")) << by_number.error().message;
}

// ---- i2c-stub: SMBus only
// -------------------------------------------------------------------------------------

TEST_F(KernelI2c, SmbusByteByteDataAndWordDataOnTheStub) {
  auto bus = open(kStubName);
  ASSERT_TRUE(bus);
  auto main_task = [&]() -> Task<> {
    CO_ASSERT((co_await bus->write_byte_data(kStubChip, 0x10, 0xa5)).ok());
    auto b = co_await bus->read_byte_data(kStubChip, 0x10);
    CO_ASSERT(b.ok());
    EXPECT_EQ(*b, 0xa5);

    CO_ASSERT((co_await bus->write_word_data(kStubChip, 0x20, 0x1234)).ok());
    auto w = co_await bus->read_word_data(kStubChip, 0x20);
    CO_ASSERT(w.ok());
    EXPECT_EQ(*w, 0x1234);

    // Send byte sets the stub's pointer; receive byte reads there.
    CO_ASSERT((co_await bus->write_byte(kStubChip, 0x10)).ok());
    auto r = co_await bus->read_byte(kStubChip);
    CO_ASSERT(r.ok());
    EXPECT_EQ(*r, 0xa5);

    // A quick write (no data) is acknowledged by the chip.
    EXPECT_TRUE((co_await bus->write(kStubChip, {})).ok());

    // An I2C block read of a register range (no count byte): the SMBus I2C block call.
    const std::uint8_t reg[] = {0x10};
    std::array<std::uint8_t, 3> three{};
    auto blk = co_await bus->write_read(kStubChip, reg, three);
    EXPECT_TRUE(blk.ok()) << blk.error().what;
    EXPECT_EQ(three[0], 0xa5);

    // Put the registers back.
    EXPECT_TRUE((co_await bus->write_word_data(kStubChip, 0x10, 0)).ok());
    EXPECT_TRUE((co_await bus->write_word_data(kStubChip, 0x20, 0)).ok());
  };
  run(main_task());
}

TEST_F(KernelI2c, SmbusBlockDataOnTheStub) {
  // i2c-stub offers SMBus block data only when its functionality parameter says so; it is read at each
  // I2C_FUNCS, so set it for this test (before opening the bus) and put it back afterwards.
  std::string saved;
  {
    std::ifstream in(kStubFunctionality);
    std::getline(in, saved);
  }
  if (saved.empty() || ::access(kStubFunctionality, W_OK) != 0)
    GTEST_SKIP() << kStubFunctionality << " is not writable";
  { std::ofstream(kStubFunctionality) << "0xffffffff\n"; }
  struct Restore {
    std::string value;
    ~Restore() { std::ofstream(kStubFunctionality) << value << "\n"; }
  } restore{saved};

  auto bus = open(kStubName);
  ASSERT_TRUE(bus);
  ASSERT_EQ(bus->funcs() & I2C_FUNC_SMBUS_BLOCK_DATA, static_cast<std::uint32_t>(I2C_FUNC_SMBUS_BLOCK_DATA));
  auto main_task = [&]() -> Task<> {
    const std::uint8_t data[] = {0x11, 0x22, 0x33, 0x44};
    auto w = co_await bus->write_block_data(kStubChip, 0x30, data);
    CO_ASSERT(w.ok());
    std::array<std::uint8_t, 32> out{};
    auto n = co_await bus->read_block_data(kStubChip, 0x30, out);
    CO_ASSERT(n.ok());
    EXPECT_EQ(*n, 4u);
    EXPECT_EQ(out[0], 0x11);
    EXPECT_EQ(out[3], 0x44);
    // A buffer too small for the block the chip sends.
    std::array<std::uint8_t, 2> small{};
    auto over = co_await bus->read_block_data(kStubChip, 0x30, small);
    EXPECT_EQ(over.error().kind, IoErrc::overflow);
    // The block write also set the word register (as i2c-stub keeps them): put it back.
    EXPECT_TRUE((co_await bus->write_word_data(kStubChip, 0x30, 0)).ok());
  };
  run(main_task());
}

TEST_F(KernelI2c, WithoutBlockDataInItsFunctionalityABlockReadIsUnsupported) {
  auto bus = open(kStubName);
  ASSERT_TRUE(bus);
  if ((bus->funcs() & I2C_FUNC_SMBUS_READ_BLOCK_DATA) != 0) GTEST_SKIP() << "i2c-stub offers block data here";
  auto main_task = [&]() -> Task<> {
    std::array<std::uint8_t, 32> out{};
    auto n = co_await bus->read_block_data(kStubChip, 0x30, out);
    CO_ASSERT(!n.ok());
    EXPECT_EQ(n.error().kind, IoErrc::unsupported);
  };
  run(main_task());
}

TEST_F(KernelI2c, RawTransfersOnTheStubAreUnsupported) {
  auto bus = open(kStubName);
  ASSERT_TRUE(bus);
  auto main_task = [&]() -> Task<> {
    // Two register bytes, then a read: no SMBus call has that shape.
    const std::uint8_t out[] = {0x10, 0x11};
    std::array<std::uint8_t, 3> in{};
    auto r = co_await bus->write_read(kStubChip, out, in);
    CO_ASSERT(!r.ok());
    EXPECT_EQ(r.error().kind, IoErrc::unsupported);
    auto r2 = co_await bus->read(kStubChip, in);
    EXPECT_EQ(r2.error().kind, IoErrc::unsupported);
  };
  run(main_task());

  // And the kernel agrees: I2C_RDWR on an adapter without master_xfer is EOPNOTSUPP, which maps to
  // unsupported.
  DevPortOpen port = open_dev_i2c_port(bus->info().dev_path);
  ASSERT_TRUE(port.port) << port.failed_call << ": errno " << port.sys_errno;
  std::uint8_t reg = 0x10;
  std::uint8_t value = 0;
  hal::I2cMessage msgs[2] = {{kStubChip, false, false, &reg, 1}, {kStubChip, true, false, &value, 1}};
  const int e = port.port->rdwr(msgs);
  EXPECT_EQ(e, EOPNOTSUPP);
  EXPECT_EQ(i2c_error_from_errno(e).kind, IoErrc::unsupported);
}

TEST_F(KernelI2c, AnAbsentAddressOnTheStubIsANack) {
  auto bus = open(kStubName);
  ASSERT_TRUE(bus);
  auto main_task = [&]() -> Task<> {
    auto r = co_await bus->read_byte_data(0x41, 0x00);
    CO_ASSERT(!r.ok());
    EXPECT_EQ(r.error().kind, IoErrc::nack) << r.error().what;
    EXPECT_EQ(r.error().sys_errno, ENODEV) << "i2c-stub answers an absent chip with ENODEV";
  };
  run(main_task());
}

// ---- aiopi-test-i2c: raw transfers
// ----------------------------------------------------------------------------

TEST_F(KernelI2c, WriteThenReadWithARepeatedStartOnTheTestAdapter) {
  auto bus = open(kTestAdapterName);
  ASSERT_TRUE(bus);
  auto main_task = [&]() -> Task<> {
    const std::uint8_t data[] = {0x10, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5};
    CO_ASSERT((co_await bus->write(kDevA, data)).ok());
    // write [0x11], repeated start, read 3: one I2C_RDWR of two messages; the pointer survives the restart.
    const std::uint8_t reg[] = {0x11};
    std::array<std::uint8_t, 3> in{};
    auto r = co_await bus->write_read(kDevA, reg, in);
    CO_ASSERT(r.ok());
    EXPECT_EQ(in, (std::array<std::uint8_t, 3>{0xd2, 0xd3, 0xd4}));
    // ... and carries on after the STOP: a plain read continues at 0x14.
    std::array<std::uint8_t, 1> next{};
    CO_ASSERT((co_await bus->read(kDevA, next)).ok());
    EXPECT_EQ(next[0], 0xd5);
    // The other device has registers of its own.
    std::array<std::uint8_t, 2> other{0xff, 0xff};
    CO_ASSERT((co_await bus->write_read(kDevB, reg, other)).ok());
    EXPECT_EQ(other, (std::array<std::uint8_t, 2>{0, 0}));
    // The SMBus helpers run as I2C_RDWR here.
    auto b = co_await bus->read_byte_data(kDevA, 0x12);
    CO_ASSERT(b.ok());
    EXPECT_EQ(*b, 0xd3);
    auto w = co_await bus->read_word_data(kDevA, 0x10);
    CO_ASSERT(w.ok());
    EXPECT_EQ(*w, 0xd2d1);
    // Put the registers back.
    const std::uint8_t zeros[] = {0x10, 0, 0, 0, 0, 0};
    EXPECT_TRUE((co_await bus->write(kDevA, zeros)).ok());
  };
  run(main_task());
}

TEST_F(KernelI2c, AnAbsentAddressOnTheTestAdapterIsANack) {
  auto bus = open(kTestAdapterName);
  ASSERT_TRUE(bus);
  auto main_task = [&]() -> Task<> {
    auto r = co_await bus->read_byte_data(kAbsent, 0x00);
    CO_ASSERT(!r.ok());
    EXPECT_EQ(r.error().kind, IoErrc::nack) << r.error().what;
    EXPECT_EQ(r.error().sys_errno, ENXIO);
    const std::uint8_t data[] = {0x00, 0x01};
    auto w = co_await bus->write(0x52, data);
    EXPECT_EQ(w.error().kind, IoErrc::nack);
    // The bus goes on.
    EXPECT_TRUE((co_await bus->read_byte_data(kDevA, 0x00)).ok());
  };
  run(main_task());
}

TEST_F(KernelI2c, ABlockReadOnTheTestAdapterIsUnsupported) {
  auto bus = open(kTestAdapterName);
  ASSERT_TRUE(bus);
  auto main_task = [&]() -> Task<> {
    std::array<std::uint8_t, 32> out{};
    auto n = co_await bus->read_block_data(kDevA, 0x00, out);
    CO_ASSERT(!n.ok());
    EXPECT_EQ(n.error().kind, IoErrc::unsupported) << "no I2C_FUNC_SMBUS_READ_BLOCK_DATA, as on the Pi";
  };
  run(main_task());
}

TEST_F(KernelI2c, TasksSharingTheTestAdapterEachGetTheirOwnRegisters) {
  auto bus = open(kTestAdapterName);
  ASSERT_TRUE(bus);
  constexpr int kTasks = 4;
  constexpr int kRounds = 25;
  int good = 0;
  auto user = [&](int id) -> Task<> {
    const auto reg = static_cast<std::uint8_t>(0x80 + id);
    for (int i = 0; i < kRounds; ++i) {
      const auto v = static_cast<std::uint8_t>(id * 16 + i);
      if (!(co_await bus->write_byte_data(kDevB, reg, v)).ok()) continue;
      auto back = co_await bus->read_byte_data(kDevB, reg);
      if (back.ok() && *back == v) ++good;
    }
    EXPECT_TRUE((co_await bus->write_byte_data(kDevB, reg, 0)).ok());
  };
  auto main_task = [&]() -> Task<> {
    std::vector<TaskHandle<>> tasks;
    for (int t = 0; t < kTasks; ++t)
      tasks.push_back(loop.create_task(user(t)));
    for (auto& t : tasks)
      co_await t;
  };
  run(main_task());
  EXPECT_EQ(good, kTasks * kRounds);
}

}  // namespace
}  // namespace aiopi::os_linux
