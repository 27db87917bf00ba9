// The real adapter port: an open /dev/i2c-N and its two ioctls.
#include <fcntl.h>
#include <linux/i2c-dev.h>
#include <linux/i2c.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "aiopi/linux/i2c_adapter_port.hpp"

namespace aiopi::os_linux {
namespace {

int ioctl_errno(int fd, unsigned long request, void* arg) noexcept {
  for (;;) {
    if (::ioctl(fd, request, arg) >= 0) return 0;
    if (errno != EINTR) return errno;
  }
}

int smbus_size(SmbusKind kind) noexcept {
  switch (kind) {
    case SmbusKind::quick:
      return I2C_SMBUS_QUICK;
    case SmbusKind::byte:
      return I2C_SMBUS_BYTE;
    case SmbusKind::byte_data:
      return I2C_SMBUS_BYTE_DATA;
    case SmbusKind::word_data:
      return I2C_SMBUS_WORD_DATA;
    case SmbusKind::block_data:
      return I2C_SMBUS_BLOCK_DATA;
    case SmbusKind::i2c_block_data:
      return I2C_SMBUS_I2C_BLOCK_DATA;
  }
  return I2C_SMBUS_QUICK;
}

class DevI2cPort final : public I2cAdapterPort {
 public:
  DevI2cPort(int fd, std::uint32_t funcs) noexcept : fd_(fd), funcs_(funcs) {}
  ~DevI2cPort() override { ::close(fd_); }

  std::uint32_t funcs() noexcept override { return funcs_; }

  int rdwr(std::span<hal::I2cMessage> msgs) noexcept override {
    i2c_msg kmsgs[2] = {};
    if (msgs.size() > 2) return EINVAL;
    for (std::size_t i = 0; i < msgs.size(); ++i) {
      kmsgs[i].addr = msgs[i].addr;
      kmsgs[i].flags = msgs[i].read ? I2C_M_RD : 0;
      kmsgs[i].len = static_cast<__u16>(msgs[i].len);
      kmsgs[i].buf = msgs[i].buf;
    }
    i2c_rdwr_ioctl_data data{kmsgs, static_cast<__u32>(msgs.size())};
    return ioctl_errno(fd_, I2C_RDWR, &data);
  }

  int smbus(SmbusCall& call) noexcept override {
    // I2C_SMBUS addresses the device set with I2C_SLAVE (EBUSY when a kernel driver owns the address).
    if (slave_ != call.addr) {
      if (::ioctl(fd_, I2C_SLAVE, static_cast<unsigned long>(call.addr)) < 0) return errno;
      slave_ = call.addr;
    }
    i2c_smbus_data data{};
    const bool write = !call.read;
    switch (call.kind) {
      case SmbusKind::quick:
      case SmbusKind::byte:
        break;
      case SmbusKind::byte_data:
        data.byte = call.data[0];
        break;
      case SmbusKind::word_data:
        data.word = static_cast<__u16>(call.data[0] | (call.data[1] << 8));
        break;
      case SmbusKind::block_data:
      case SmbusKind::i2c_block_data:
        // Block writes carry the count in data[0]; an I2C block read carries the length it wants there.
        std::memcpy(data.block, call.data, sizeof data.block);
        break;
    }
    i2c_smbus_ioctl_data args{};
    args.read_write = call.read ? I2C_SMBUS_READ : I2C_SMBUS_WRITE;
    args.command = call.command;
    args.size = static_cast<__u32>(smbus_size(call.kind));
    const bool no_data = call.kind == SmbusKind::quick || (call.kind == SmbusKind::byte && write);
    args.data = no_data ? nullptr : &data;
    const int e = ioctl_errno(fd_, I2C_SMBUS, &args);
    if (e != 0 || write) return e;
    switch (call.kind) {
      case SmbusKind::quick:
        break;
      case SmbusKind::byte:
      case SmbusKind::byte_data:
        call.data[0] = data.byte;
        break;
      case SmbusKind::word_data:
        call.data[0] = static_cast<std::uint8_t>(data.word & 0xff);
        call.data[1] = static_cast<std::uint8_t>(data.word >> 8);
        break;
      case SmbusKind::block_data:
      case SmbusKind::i2c_block_data:
        std::memcpy(call.data, data.block, sizeof data.block);
        break;
    }
    return 0;
  }

 private:
  int fd_;
  std::uint32_t funcs_;
  int slave_ = -1;  // the address I2C_SLAVE last set
};

static_assert(sizeof(SmbusCall{}.data) == sizeof(i2c_smbus_data{}.block), "SmbusCall mirrors i2c_smbus_data");

}  // namespace

DevPortOpen open_dev_i2c_port(const std::string& path) {
  DevPortOpen out;
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    out.sys_errno = errno;
    out.failed_call = "open";
    return out;
  }
  unsigned long funcs = 0;
  if (::ioctl(fd, I2C_FUNCS, &funcs) < 0) {
    out.sys_errno = errno;
    out.failed_call = "I2C_FUNCS";
    ::close(fd);
    return out;
  }
  out.port = std::make_unique<DevI2cPort>(fd, static_cast<std::uint32_t>(funcs));
  return out;
}

}  // namespace aiopi::os_linux
