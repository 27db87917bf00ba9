#include "aiopi/sim/sim_stream_pair.hpp"

#include <algorithm>
#include <cstring>

namespace aiopi::sim {

using hal::io_error;
using hal::IoErrc;

SimStreamPair::SimStreamPair(hal::BufferSizes a, hal::BufferSizes b) : a_(a), b_(b) {
  a_.far_ = &b_;
  b_.far_ = &a_;
}

void SimStreamPair::fail(IoErrc kind) noexcept {
  if (kind == IoErrc::ok) kind = IoErrc::io;
  for (End* e : {&a_, &b_}) {
    e->reader_.fail(io_error(kind, "stream pair: the link failed (simulated)"));
    e->writer_.fail(io_error(kind, "stream pair: the link failed (simulated)"));
  }
}

SimStreamPair::End::End(hal::BufferSizes sizes)
    : storage_(new std::uint8_t[sizes.rx + sizes.tx]),
      reader_(std::span<std::uint8_t>(storage_.get(), sizes.rx), this),
      writer_(std::span<std::uint8_t>(storage_.get() + sizes.rx, sizes.tx), this) {}

void SimStreamPair::End::pump() noexcept {
  if (closed_) return;
  for (;;) {
    const std::span<const std::uint8_t> from = writer_.pending();
    const std::span<std::uint8_t> to = far_->reader_.write_space();
    const std::size_t n = std::min(from.size(), to.size());
    if (n == 0) break;
    std::memcpy(to.data(), from.data(), n);
    far_->reader_.received(n);
    writer_.sent(n);
  }
  if (far_->reader_.ended() && writer_.buffered() != 0)
    writer_.fail(io_error(IoErrc::closed, "stream pair: the other end is closed"));
  if (closing_ && writer_.buffered() == 0) finish_close();
}

void SimStreamPair::End::resume_reading() noexcept {
  far_->pump();
}

void SimStreamPair::End::write_ready() noexcept {
  pump();
}

void SimStreamPair::End::close() noexcept {
  closing_ = true;
  pump();
}

void SimStreamPair::End::finish_close() noexcept {
  if (closed_) return;
  closed_ = true;
  reader_.feed_eof();
  far_->reader_.feed_eof();
  far_->writer_.fail(io_error(IoErrc::closed, "stream pair: the other end is closed"));
  writer_.closed();
}

}  // namespace aiopi::sim
