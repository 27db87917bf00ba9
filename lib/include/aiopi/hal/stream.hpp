// Byte streams of the HAL: StreamReader / StreamWriter (asyncio's names and semantics, over fixed rings),
// the ByteTransport a backend implements below them, and ByteStream, anything that has both halves (a UART,
// a TCP connection, a pipe). Drivers take a ByteStream& (or just the reader or writer) and never open
// devices themselves.
//
//   aiopi::Task<> echo_lines(hal::ByteStream& port) {
//     std::array<std::uint8_t, 256> line;
//     for (;;) {
//       auto l = co_await port.reader().readline(line);
//       if (!l || l->empty()) co_return;                       // failed, or EOF
//       if (!port.writer().write(*l)) co_return;                // closed, failed, or no room
//       if (!co_await port.writer().drain()) co_return;        // back-pressure
//     }
//   }
//
// ## Where the bytes live, and why
//
// A reader and a writer each own a ByteRing over storage handed to them at construction, whose size never
// changes: no allocation per read, write or await, and a bound on memory a slow peer cannot push up. The
// owner of a stream (the backend object) chooses the storage:
//  * RP2040: StreamStorage<Rx, Tx> below, an inline pair of arrays, usually a static object (the UART's
//    rings are as big as the firmware decides at compile time, and visible in the linker map);
//  * Linux: one block allocated when the device or connection is opened (BufferSizes says how big), freed
//    when it is closed; the sizes are per stream, so a console UART and a bulk TCP link can differ;
//  * sim: the same as Linux.
// The HAL classes never allocate; a template over the capacity was the other choice, but it would make every
// driver a template (or tie it to one size) for no gain: the capacity is a run-time property of the ring.
//
// The guarantees (cancel-safety of every wait, FIFO readers, EOF and errors after the buffered bytes,
// back-pressure) are written at the top of stream_reader.hpp and stream_writer.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "aiopi/hal/byte_ring.hpp"
#include "aiopi/hal/byte_transport.hpp"
#include "aiopi/hal/stream_reader.hpp"
#include "aiopi/hal/stream_writer.hpp"

namespace aiopi::hal {

/// The ring sizes of a stream a backend opens (Linux, sim).
struct BufferSizes {
  std::size_t rx = 4096;
  std::size_t tx = 4096;
};

/// Inline storage for the two rings of one stream: a static object on a microcontroller.
template <std::size_t Rx, std::size_t Tx>
struct StreamStorage {
  static_assert(Rx > 0 && Tx > 0, "StreamStorage: both rings need room");
  std::array<std::uint8_t, Rx> rx{};
  std::array<std::uint8_t, Tx> tx{};
};

/// Something with a reading and a writing half: a UART, a TCP connection, a pipe.
class ByteStream {
 public:
  ByteStream() noexcept = default;
  ByteStream(const ByteStream&) = delete;
  ByteStream& operator=(const ByteStream&) = delete;
  virtual ~ByteStream() = default;

  virtual StreamReader& reader() noexcept = 0;
  virtual StreamWriter& writer() noexcept = 0;
};

}  // namespace aiopi::hal
