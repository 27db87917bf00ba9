// How one HAL transfer runs on a Linux I2C adapter — as I2C_RDWR, as one I2C_SMBUS call, or refused —
// chosen from the transfer's messages and the adapter's functionality (I2C_FUNCS); and what an errno from
// either ioctl means as an IoError. Pure functions: the bus plans on the loop's thread before it hands the
// transfer to its worker, and the tests check the rules directly.
//
// ## The rule
//
// 1. An adapter with I2C_FUNC_I2C (a real I2C controller: the Pi's bcm2835, the project's test adapter) runs
//    every transfer as I2C_RDWR, so the bytes on the wire are exactly the messages, with a repeated start
//    between them. The exception is an SMBus block read (a `recv_len` message: the device sends the count):
//    it runs as I2C_SMBUS block data where the adapter has I2C_FUNC_SMBUS_READ_BLOCK_DATA (the driver then
//    handles the count byte), and is unsupported where it has not (the Pi's controller has not).
// 2. An adapter without I2C_FUNC_I2C (PC SMBus controllers, i2c-stub) cannot run arbitrary messages
//    (I2C_RDWR gives EOPNOTSUPP). A transfer whose messages have an SMBus shape runs as that SMBus call, if
//    the adapter has its functionality bit; the first row that matches and is supported wins:
//
//      messages                         SMBus call            functionality bit (I2C_FUNC_SMBUS_...)
//      write 0 bytes / read 0 bytes     quick                 QUICK
//      write [b]                        send byte             WRITE_BYTE
//      read 1 byte                      receive byte          READ_BYTE
//      write [reg v]                    write byte data       WRITE_BYTE_DATA
//      write [reg lo hi]                write word data       WRITE_WORD_DATA
//      write [reg n d1..dn]             write block data      WRITE_BLOCK_DATA   (n = what follows, 1..32)
//      write [reg d1..dn]               write I2C block       WRITE_I2C_BLOCK    (n 1..32)
//      write [reg], read 1              read byte data        READ_BYTE_DATA
//      write [reg], read 2              read word data        READ_WORD_DATA
//      write [reg], read recv_len       read block data       READ_BLOCK_DATA
//      write [reg], read n              read I2C block        READ_I2C_BLOCK     (n 1..32)
//
//    Where several rows match (a 3-byte write is word data, and block data when its middle byte is 1, and an
//    I2C block) the bytes on a real bus are the same whichever is chosen; only an emulated chip that keeps
//    words, bytes and blocks apart (i2c-stub) can tell. Anything else — a longer write, a plain read of more
//    than one byte, several bytes written then a read, two addresses in one transfer — is
//    IoErrc::unsupported, refused without a system call.
//
// ## Errno -> IoErrc (both ioctls; the kernel's Documentation/i2c/fault-codes.rst)
//
//   ENXIO, EREMOTEIO   nack          no device acknowledged the address (or a data byte)
//   ENODEV             nack          i2c-stub (and some SMBus drivers) answer an absent address this way
//   EAGAIN             bus_error     arbitration lost (another master)
//   EIO                bus_error     the driver's generic bus failure. Some drivers (i2c-algo-bit for a data
//                                    byte, several SMBus controllers) report a NACK as EIO too; sys_errno
//                                    keeps EIO so a caller can tell. We do not guess nack: a stuck bus must
//                                    not look like an absent device.
//   ETIMEDOUT          timeout       the adapter's own time limit (clock stretched too long, bus stuck)
//   EOPNOTSUPP         unsupported   the adapter cannot do this transfer
//   EPROTO, EBADMSG    io            the device broke the protocol (bad block count, PEC mismatch)
//   EOVERFLOW          overflow      a block larger than the buffer
//   EINVAL             invalid_argument
//   EBUSY              busy          a kernel driver owns the address (I2C_SLAVE), or the bus stayed busy
//   anything else      io            (sys_errno says which)
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "aiopi/hal/error.hpp"
#include "aiopi/hal/i2c.hpp"
#include "aiopi/linux/i2c_adapter_port.hpp"

namespace aiopi::os_linux {

/// The longest message i2c-dev's I2C_RDWR takes (it refuses longer ones with EINVAL); also the size of each
/// of a bus's two bounce buffers.
inline constexpr std::size_t kI2cRdwrMaxMessage = 8192;

/// How one transfer runs.
struct I2cPlan {
  enum class Via : unsigned char { rdwr, smbus, refused };
  Via via = Via::refused;
  SmbusCall call{};        // via smbus: the call, with the data to write filled in
  hal::IoError refusal{};  // via refused: why (unsupported or invalid_argument)
};

/// Chooses how `msgs` run on an adapter with functionality `funcs` (the rule above).
I2cPlan plan_i2c_transfer(std::span<const hal::I2cMessage> msgs, std::uint32_t funcs) noexcept;

/// After a successful SMBus read: puts the answer into the transfer's read message. A block read's message
/// gets the count byte first and its `len` becomes 1 + count; a block larger than the message is
/// IoErrc::overflow. Nothing to do (ok) for a write or a quick call.
hal::IoError unpack_smbus_read(const SmbusCall& call, hal::I2cMessage& read_msg) noexcept;

/// The IoError for an errno from I2C_RDWR / I2C_SMBUS (the table above); kind ok for 0. `what` is static
/// and names the errno's meaning; sys_errno is `e`.
hal::IoError i2c_error_from_errno(int e) noexcept;

}  // namespace aiopi::os_linux
