// Two byte streams joined back to back in memory, like socketpair(): what one end writes, the other reads.
// For testing a driver or a protocol against a device model written as a task on the other end. No clock:
// bytes move as soon as there is room on the far side, so back-pressure is real (a far end that does not
// read fills its reader's ring, then the near writer's ring, and drain() waits).
//
//   sim::SimStreamPair link;                                  // 4 KiB rings by default
//   auto device = create_task(gps_model(link.b()));           // the model answers on end b
//   Gps gps(link.a());                                        // the driver under test on end a
//
// Closing an end (writer().close()) delivers what it had queued, then: both of its readers' ends see EOF
// (the far one after the bytes), and the far end's writer fails with IoErrc::closed.
#pragma once

#include <memory>

#include "aiopi/hal/stream.hpp"

namespace aiopi::sim {

class SimStreamPair {
 public:
  explicit SimStreamPair(hal::BufferSizes a = {}, hal::BufferSizes b = {});
  SimStreamPair(const SimStreamPair&) = delete;
  SimStreamPair& operator=(const SimStreamPair&) = delete;

  hal::ByteStream& a() noexcept { return a_; }
  hal::ByteStream& b() noexcept { return b_; }
  /// The link breaks: both readers get what they already hold, then IoErrc `kind`; both writers fail.
  void fail(hal::IoErrc kind = hal::IoErrc::io) noexcept;

 private:
  class End final : public hal::ByteStream, private hal::ByteTransport {
   public:
    explicit End(hal::BufferSizes sizes);
    hal::StreamReader& reader() noexcept override { return reader_; }
    hal::StreamWriter& writer() noexcept override { return writer_; }

   private:
    friend SimStreamPair;
    void resume_reading() noexcept override;
    void write_ready() noexcept override;
    void close() noexcept override;
    /// Moves what fits from this end's writer to the far end's reader.
    void pump() noexcept;
    void finish_close() noexcept;

    std::unique_ptr<std::uint8_t[]> storage_;
    hal::StreamReader reader_;
    hal::StreamWriter writer_;
    End* far_ = nullptr;
    bool closing_ = false;
    bool closed_ = false;
  };

  End a_;
  End b_;
};

}  // namespace aiopi::sim
