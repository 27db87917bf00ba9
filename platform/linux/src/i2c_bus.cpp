#include "aiopi/linux/i2c_bus.hpp"

#include <cstring>
#include <utility>

namespace aiopi::os_linux {

using hal::I2cMessage;
using hal::I2cOp;
using hal::io_error;
using hal::IoErrc;
using hal::IoError;

OpenResult<LinuxI2cBus> LinuxI2cBus::open(Loop& loop, std::string_view what, const I2cRoots& roots) {
  OpenResult<I2cBusInfo> found = find_i2c_bus(what, roots);
  if (!found) return found.error();
  DevPortOpen port = open_dev_i2c_port(found->dev_path);
  if (!port.port) return i2c_open_error(what, *found, port.sys_errno, port.failed_call, roots);
  return std::make_unique<LinuxI2cBus>(loop, std::move(port.port), *found);
}

LinuxI2cBus::LinuxI2cBus(Loop& loop, std::unique_ptr<I2cAdapterPort> port, I2cBusInfo info)
    : loop_(loop),
      port_(std::move(port)),
      info_(std::move(info)),
      funcs_(port_->funcs()),
      bounce_(new std::uint8_t[2 * kI2cRdwrMaxMessage]) {
  worker_ = std::thread([this] { worker_main(); });
}

LinuxI2cBus::~LinuxI2cBus() {
  close();
}

void LinuxI2cBus::finish(I2cOp& op, const IoError& result) noexcept {
  I2cBus::complete(op, result);
}

void LinuxI2cBus::submit(I2cOp& op) noexcept {
  if (closed_) {
    finish(op, io_error(IoErrc::closed, default_message(IoErrc::closed)));
    return;
  }
  queue_.push_back(op);
  ++queued_;
  start_next();
}

void LinuxI2cBus::abort(I2cOp& op) noexcept {
  if (&op == running_) {
    // The worker is in the ioctl on its own copies: let it finish, and drop what it brings back.
    running_ = nullptr;
  } else if (op.linked()) {
    op.unlink();
    --queued_;
  }
}

void LinuxI2cBus::start_next() noexcept {
  while (!worker_busy_ && !queue_.empty() && !closed_) {
    I2cOp& op = queue_.pop_front();
    --queued_;
    const std::span<I2cMessage> msgs = op.messages();
    const I2cPlan plan = plan_i2c_transfer(msgs, funcs_);
    if (plan.via == I2cPlan::Via::refused) {
      finish(op, plan.refusal);  // nothing for the kernel to do; the next op may start at once
      continue;
    }
    job_.plan = plan;
    job_.count = msgs.size();
    job_.result = 0;
    for (std::size_t i = 0; i < msgs.size(); ++i) {
      I2cMessage copy = msgs[i];
      copy.buf = bounce_.get() + i * kI2cRdwrMaxMessage;
      if (!copy.read && copy.len != 0) std::memcpy(copy.buf, msgs[i].buf, copy.len);
      job_.msgs[i] = copy;
    }
    running_ = &op;
    worker_busy_ = true;
    ++worker_transfers_;
    loop_.add_external_source();  // a simulated loop must wait for the worker, not report a deadlock
    command_.store(kJob, std::memory_order_seq_cst);
    command_.notify_one();
  }
}

void LinuxI2cBus::worker_main() noexcept {
  for (;;) {
    command_.wait(kIdle, std::memory_order_seq_cst);
    if (command_.load(std::memory_order_seq_cst) == kStop) return;
    Job& job = job_;
    if (job.plan.via == I2cPlan::Via::smbus) {
      job.result = port_->smbus(job.plan.call);
    } else {
      job.result = port_->rdwr(std::span<I2cMessage>(job.msgs, job.count));
    }
    // kJob -> kIdle; a kStop set meanwhile stays (the worker then ends at the top of the loop).
    std::uint32_t expected = kJob;
    command_.compare_exchange_strong(expected, kIdle, std::memory_order_seq_cst);
    // The post publishes the job's result (release); close() joins this thread before the node can go.
    loop_.post_threadsafe(done_);
  }
}

void LinuxI2cBus::on_done(ForeignWake& node) noexcept {
  LinuxI2cBus& bus = *static_cast<DoneNode&>(node).bus;
  if (!bus.worker_busy_) return;
  bus.worker_busy_ = false;
  bus.loop_.remove_external_source();
  I2cOp* op = std::exchange(bus.running_, nullptr);
  Job& job = bus.job_;
  if (op == nullptr) {
    ++bus.discarded_;  // aborted (or closed) while the worker ran it
  } else {
    IoError result = i2c_error_from_errno(job.result);
    const std::span<I2cMessage> msgs = op->messages();
    if (result.ok()) {
      if (job.plan.via == I2cPlan::Via::smbus) {
        result = unpack_smbus_read(job.plan.call, msgs[msgs.size() - 1]);
      } else {
        for (std::size_t i = 0; i < job.count; ++i) {
          if (msgs[i].read && msgs[i].len != 0) std::memcpy(msgs[i].buf, job.msgs[i].buf, msgs[i].len);
        }
      }
    }
    finish(*op, result);
  }
  bus.start_next();
}

void LinuxI2cBus::close() noexcept {
  if (closed_) return;
  closed_ = true;
  const IoError closed = io_error(IoErrc::closed, default_message(IoErrc::closed));
  if (I2cOp* op = std::exchange(running_, nullptr)) finish(*op, closed);
  while (!queue_.empty())
    finish(queue_.pop_front(), closed);
  queued_ = 0;

  command_.store(kStop, std::memory_order_seq_cst);
  command_.notify_one();
  if (worker_.joinable()) worker_.join();
  // The worker may have posted its last job: handle the post before the node goes away.
  if (done_.queued()) loop_.drain_inbox();
  if (worker_busy_) {  // the job was handed over but the worker stopped before taking it
    worker_busy_ = false;
    loop_.remove_external_source();
  }
  port_.reset();
}

}  // namespace aiopi::os_linux
