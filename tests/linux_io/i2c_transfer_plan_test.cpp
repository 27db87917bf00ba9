// How a HAL transfer becomes I2C_RDWR, an I2C_SMBUS call or a refusal (i2c_transfer_plan.hpp), and what the
// ioctls' errnos mean. Pure functions: no bus, no loop.
#include <linux/i2c.h>

#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <vector>

#include "aiopi/linux/i2c_register_map_port.hpp"
#include "aiopi/linux/i2c_transfer_plan.hpp"

namespace aiopi::os_linux {
namespace {

using hal::I2cMessage;
using hal::IoErrc;
using Via = I2cPlan::Via;

constexpr std::uint32_t kRaw = RegisterMapPort::kRawFuncs;
constexpr std::uint32_t kSmbus = RegisterMapPort::kSmbusFuncs;

/// Messages as the HAL builds them, with buffers that live as long as the test.
struct Msgs {
  std::vector<I2cMessage> m;
  std::array<std::uint8_t, 64> out{};
  std::array<std::uint8_t, 64> in{};

  Msgs& write(std::uint16_t addr, std::initializer_list<std::uint8_t> bytes) {
    std::copy(bytes.begin(), bytes.end(), out.begin());
    m.push_back(I2cMessage{addr, false, false, out.data(), bytes.size()});
    return *this;
  }
  Msgs& write_n(std::uint16_t addr, std::size_t n) {
    m.push_back(I2cMessage{addr, false, false, out.data(), n});
    return *this;
  }
  Msgs& read(std::uint16_t addr, std::size_t n, bool recv_len = false) {
    m.push_back(I2cMessage{addr, true, recv_len, in.data(), n});
    return *this;
  }
  I2cPlan plan(std::uint32_t funcs) const { return plan_i2c_transfer(m, funcs); }
};

void expect_smbus(const I2cPlan& p, SmbusKind kind, bool read, std::uint8_t command) {
  ASSERT_EQ(p.via, Via::smbus) << p.refusal.what;
  EXPECT_EQ(p.call.kind, kind);
  EXPECT_EQ(p.call.read, read);
  EXPECT_EQ(p.call.command, command);
  EXPECT_EQ(p.call.addr, 0x40);
}

void expect_refused(const I2cPlan& p, IoErrc kind) {
  ASSERT_EQ(p.via, Via::refused);
  EXPECT_EQ(p.refusal.kind, kind);
  EXPECT_STRNE(p.refusal.what, "");
}

// ---- a raw I2C adapter ------------------------------------------------------------------------------------

TEST(I2cPlanRaw, EveryPlainTransferRunsAsRdwr) {
  EXPECT_EQ(Msgs().write(0x40, {1, 2, 3, 4, 5}).plan(kRaw).via, Via::rdwr);
  EXPECT_EQ(Msgs().read(0x40, 7).plan(kRaw).via, Via::rdwr);
  EXPECT_EQ(Msgs().write(0x40, {0x10}).read(0x40, 6).plan(kRaw).via, Via::rdwr);
  EXPECT_EQ(Msgs().write(0x40, {0x10, 0x11}).read(0x40, 3).plan(kRaw).via, Via::rdwr);
  // SMBus-shaped transfers too: the bytes on the wire are the messages either way.
  EXPECT_EQ(Msgs().write(0x40, {0x10}).read(0x40, 2).plan(kRaw).via, Via::rdwr);
  EXPECT_EQ(Msgs().write_n(0x40, 0).plan(kRaw).via, Via::rdwr);
}

TEST(I2cPlanRaw, ABlockReadNeedsReadBlockData) {
  expect_refused(Msgs().write(0x40, {0x10}).read(0x40, 33, true).plan(kRaw), IoErrc::unsupported);
  const I2cPlan p =
      Msgs().write(0x40, {0x10}).read(0x40, 33, true).plan(kRaw | I2C_FUNC_SMBUS_READ_BLOCK_DATA);
  expect_smbus(p, SmbusKind::block_data, true, 0x10);
}

TEST(I2cPlanRaw, MessagesBeyondTheRdwrLimitAreRefused) {
  Msgs big;
  static std::array<std::uint8_t, kI2cRdwrMaxMessage + 1> buf{};
  big.m.push_back(I2cMessage{0x40, false, false, buf.data(), buf.size()});
  expect_refused(big.plan(kRaw), IoErrc::invalid_argument);
  big.m[0].len = kI2cRdwrMaxMessage;
  EXPECT_EQ(big.plan(kRaw).via, Via::rdwr);
}

// ---- an SMBus-only adapter (i2c-stub) ---------------------------------------------------------------------

TEST(I2cPlanSmbus, QuickByteAndByteData) {
  expect_smbus(Msgs().write_n(0x40, 0).plan(kSmbus), SmbusKind::quick, false, 0);
  expect_smbus(Msgs().read(0x40, 0).plan(kSmbus), SmbusKind::quick, true, 0);
  expect_smbus(Msgs().write(0x40, {0x42}).plan(kSmbus), SmbusKind::byte, false, 0x42);
  expect_smbus(Msgs().read(0x40, 1).plan(kSmbus), SmbusKind::byte, true, 0);
  const I2cPlan w = Msgs().write(0x40, {0x07, 0x77}).plan(kSmbus);
  expect_smbus(w, SmbusKind::byte_data, false, 0x07);
  EXPECT_EQ(w.call.data[0], 0x77);
  expect_smbus(Msgs().write(0x40, {0x07}).read(0x40, 1).plan(kSmbus), SmbusKind::byte_data, true, 0x07);
}

TEST(I2cPlanSmbus, WordDataIsLittleEndianInTheCall) {
  const I2cPlan w = Msgs().write(0x40, {0x08, 0x34, 0x12}).plan(kSmbus);
  expect_smbus(w, SmbusKind::word_data, false, 0x08);
  EXPECT_EQ(w.call.data[0], 0x34);
  EXPECT_EQ(w.call.data[1], 0x12);
  expect_smbus(Msgs().write(0x40, {0x08}).read(0x40, 2).plan(kSmbus), SmbusKind::word_data, true, 0x08);
}

TEST(I2cPlanSmbus, BlockWriteCarriesItsCount) {
  const I2cPlan w = Msgs().write(0x40, {0x20, 3, 0xa, 0xb, 0xc}).plan(kSmbus);
  expect_smbus(w, SmbusKind::block_data, false, 0x20);
  EXPECT_EQ(w.call.data[0], 3);
  EXPECT_EQ(w.call.data[1], 0xa);
  EXPECT_EQ(w.call.data[3], 0xc);
  expect_smbus(Msgs().write(0x40, {0x20}).read(0x40, 33, true).plan(kSmbus), SmbusKind::block_data, true,
               0x20);
}

TEST(I2cPlanSmbus, OtherRegisterWritesAndReadsAreI2cBlocks) {
  // [reg d1 d2 d3 d4]: no count byte, so an I2C block write of four bytes.
  const I2cPlan w = Msgs().write(0x40, {0x30, 9, 8, 7, 6}).plan(kSmbus);
  expect_smbus(w, SmbusKind::i2c_block_data, false, 0x30);
  EXPECT_EQ(w.call.data[0], 4);
  EXPECT_EQ(w.call.data[1], 9);
  EXPECT_EQ(w.call.data[4], 6);
  const I2cPlan r = Msgs().write(0x40, {0x30}).read(0x40, 5).plan(kSmbus);
  expect_smbus(r, SmbusKind::i2c_block_data, true, 0x30);
  EXPECT_EQ(r.call.data[0], 5);
}

TEST(I2cPlanSmbus, TheFirstSupportedRowWins) {
  // No word data: a 3-byte write is the same bytes as an I2C block of two.
  const std::uint32_t no_word = kSmbus & ~I2C_FUNC_SMBUS_WORD_DATA;
  const I2cPlan w = Msgs().write(0x40, {0x08, 0x34, 0x12}).plan(no_word);
  expect_smbus(w, SmbusKind::i2c_block_data, false, 0x08);
  EXPECT_EQ(w.call.data[0], 2);
  expect_smbus(Msgs().write(0x40, {0x08}).read(0x40, 2).plan(no_word), SmbusKind::i2c_block_data, true, 0x08);
  // No block data: a counted block write goes as an I2C block (count included as data).
  const std::uint32_t no_block = kSmbus & ~I2C_FUNC_SMBUS_BLOCK_DATA;
  const I2cPlan b = Msgs().write(0x40, {0x20, 2, 0xa, 0xb}).plan(no_block);
  expect_smbus(b, SmbusKind::i2c_block_data, false, 0x20);
  EXPECT_EQ(b.call.data[0], 3);
  EXPECT_EQ(b.call.data[1], 2);
}

TEST(I2cPlanSmbus, ShapesWithoutAnSmbusCallAreUnsupported) {
  expect_refused(Msgs().read(0x40, 3).plan(kSmbus), IoErrc::unsupported);
  expect_refused(Msgs().write(0x40, {0x10, 0x11}).read(0x40, 3).plan(kSmbus), IoErrc::unsupported);
  expect_refused(Msgs().write(0x40, {0x10}).read(0x41, 1).plan(kSmbus), IoErrc::unsupported);
  expect_refused(Msgs().write_n(0x40, 34).plan(kSmbus), IoErrc::unsupported);  // beyond an I2C block
  expect_refused(Msgs().write(0x40, {0x10}).read(0x40, 40).plan(kSmbus), IoErrc::unsupported);
  expect_refused(Msgs().write(0x40, {0x10}).write(0x40, {0x11}).plan(kSmbus), IoErrc::unsupported);
  expect_refused(Msgs().write(0x40, {0x10}).read(0x40, 0).plan(kSmbus), IoErrc::unsupported);
}

TEST(I2cPlanSmbus, AShapeWhoseFunctionIsMissingIsUnsupported) {
  expect_refused(Msgs().write_n(0x40, 0).plan(kSmbus & ~I2C_FUNC_SMBUS_QUICK), IoErrc::unsupported);
  expect_refused(Msgs().read(0x40, 1).plan(kSmbus & ~I2C_FUNC_SMBUS_READ_BYTE), IoErrc::unsupported);
  expect_refused(
      Msgs().write(0x40, {0x20}).read(0x40, 33, true).plan(kSmbus & ~I2C_FUNC_SMBUS_READ_BLOCK_DATA),
      IoErrc::unsupported);
  // i2c-stub's default functionality: no SMBus block data.
  const std::uint32_t stub_default = I2C_FUNC_SMBUS_QUICK | I2C_FUNC_SMBUS_BYTE | I2C_FUNC_SMBUS_BYTE_DATA |
                                     I2C_FUNC_SMBUS_WORD_DATA | I2C_FUNC_SMBUS_I2C_BLOCK;
  expect_refused(Msgs().write(0x40, {0x20}).read(0x40, 33, true).plan(stub_default), IoErrc::unsupported);
  expect_smbus(Msgs().write(0x40, {0x08, 1, 2}).plan(stub_default), SmbusKind::word_data, false, 0x08);
}

TEST(I2cPlan, NoMessagesOrMoreThanTwoAreInvalid) {
  expect_refused(Msgs().plan(kRaw), IoErrc::invalid_argument);
  expect_refused(Msgs().write(0x40, {1}).write(0x40, {2}).write(0x40, {3}).plan(kRaw),
                 IoErrc::invalid_argument);
}

// ---- what an SMBus read brings back
// ------------------------------------------------------------------------

TEST(I2cUnpack, ByteWordAndI2cBlock) {
  std::array<std::uint8_t, 8> buf{};
  I2cMessage m{0x40, true, false, buf.data(), 2};
  SmbusCall c;
  c.read = true;
  c.kind = SmbusKind::word_data;
  c.data[0] = 0x34;
  c.data[1] = 0x12;
  EXPECT_TRUE(unpack_smbus_read(c, m).ok());
  EXPECT_EQ(buf[0], 0x34);
  EXPECT_EQ(buf[1], 0x12);
  c.kind = SmbusKind::i2c_block_data;
  c.data[0] = 3;
  c.data[1] = 7;
  c.data[2] = 8;
  c.data[3] = 9;
  m.len = 3;
  EXPECT_TRUE(unpack_smbus_read(c, m).ok());
  EXPECT_EQ(buf[0], 7);
  EXPECT_EQ(buf[2], 9);
  c.data[0] = 2;  // the adapter gave fewer bytes than asked
  EXPECT_EQ(unpack_smbus_read(c, m).kind, IoErrc::io);
}

TEST(I2cUnpack, ABlockSetsTheLengthAndIsCheckedAgainstTheBuffer) {
  std::array<std::uint8_t, 1 + hal::kSmbusBlockMax> buf{};
  I2cMessage m{0x40, true, true, buf.data(), buf.size()};
  SmbusCall c;
  c.read = true;
  c.kind = SmbusKind::block_data;
  c.data[0] = 2;
  c.data[1] = 0xaa;
  c.data[2] = 0xbb;
  EXPECT_TRUE(unpack_smbus_read(c, m).ok());
  EXPECT_EQ(m.len, 3u);
  EXPECT_EQ(buf[0], 2);
  EXPECT_EQ(buf[2], 0xbb);
  m.len = 2;  // room for the count and one byte only
  EXPECT_EQ(unpack_smbus_read(c, m).kind, IoErrc::overflow);
  c.data[0] = 40;  // beyond SMBus's 32
  m.len = buf.size();
  EXPECT_EQ(unpack_smbus_read(c, m).kind, IoErrc::io);
}

// ---- errno -> kind
// -------------------------------------------------------------------------------------------

TEST(I2cErrno, KindsOfTheKernelsFaultCodes) {
  struct Case {
    int e;
    IoErrc kind;
  };
  const Case cases[] = {
      {ENXIO, IoErrc::nack},
      {EREMOTEIO, IoErrc::nack},
      {ENODEV, IoErrc::nack},
      {EAGAIN, IoErrc::bus_error},
      {EIO, IoErrc::bus_error},
      {ETIMEDOUT, IoErrc::timeout},
      {EOPNOTSUPP, IoErrc::unsupported},
      {EPROTO, IoErrc::io},
      {EBADMSG, IoErrc::io},
      {EOVERFLOW, IoErrc::overflow},
      {EINVAL, IoErrc::invalid_argument},
      {EBUSY, IoErrc::busy},
      {ENOMEM, IoErrc::io},
  };
  for (const Case& c : cases) {
    const hal::IoError err = i2c_error_from_errno(c.e);
    EXPECT_EQ(err.kind, c.kind) << "errno " << c.e;
    EXPECT_EQ(err.sys_errno, c.e);
    EXPECT_STRNE(err.what, "");
  }
  EXPECT_TRUE(i2c_error_from_errno(0).ok());
}

}  // namespace
}  // namespace aiopi::os_linux
