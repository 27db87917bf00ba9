// ByteTransport: what a backend implements to carry the bytes of a StreamReader / StreamWriter pair (a UART,
// a socket, a pipe, a simulated peer). asyncio has the same split: the streams are the API, a transport
// below them moves bytes.
//
// The reader and the writer each own a fixed ring of bytes (ByteRing). Everything happens on the loop's
// thread; the transport is driven by notifications in one direction and by calls in the other:
//
//   stream -> transport (these three functions, called by the reader and the writer):
//     resume_reading()  the reader's ring was full and now has room: receive again.
//     write_ready()     the writer's ring holds bytes not yet sent (called after each write()).
//     close()           the writer was closed: send what is buffered, then end the stream and report it.
//
//   transport -> stream (public "backend side" members of StreamReader / StreamWriter):
//     reader: write_space() + received(n) (receive straight into the ring), feed(bytes), feed_eof(),
//             fail(error). When the ring is full the transport stops taking bytes from the device (a
//             kernel buffer, a FIFO, flow control hold them) until resume_reading().
//     writer: pending() + sent(n) (send straight from the ring), fail(error), closed(result).
//
// A notification may complete work at once (a Linux socket sends inside write_ready(); the simulated
// peer with no rate limit takes the bytes there), or later from the loop (epoll readiness, a timer, an IRQ
// inbox). The backends: the Linux fd stream (epoll readiness, platform/linux), the simulated UART and pipe
// (virtual time, platform/sim), later the RP2040 UART (its IRQ fills the reader's ring through the loop's
// inbox, the TX FIFO drains the writer's ring).
#pragma once

namespace aiopi::hal {

class ByteTransport {
 public:
  ByteTransport() noexcept = default;
  ByteTransport(const ByteTransport&) = delete;
  ByteTransport& operator=(const ByteTransport&) = delete;

  /// The reader's ring has room again after it was full.
  virtual void resume_reading() noexcept = 0;
  /// The writer's ring holds bytes to send.
  virtual void write_ready() noexcept = 0;
  /// The writer was closed: send what is buffered, then call StreamWriter::closed() (and feed the reader
  /// its EOF), or report a failure through closed(error).
  virtual void close() noexcept = 0;

 protected:
  ~ByteTransport() = default;
};

}  // namespace aiopi::hal
