// UART0 by polling, for what must work with interrupts off or before any driver: the panic message, the
// start-up banner of test programs, and the harness's result lines. Brings UART0 up at 115200 8N1 on GP0 (TX)
// and GP1 (RX) if nothing has enabled it yet; once a UART driver owns UART0 it only writes bytes to its FIFO.
#pragma once

#include <cstdint>
#include <string_view>

namespace aiopi::rp2040 {

void console_init() noexcept;
void console_write(std::string_view text) noexcept;
void console_write_u32(std::uint32_t value) noexcept;  // decimal
void console_write_hex(std::uint32_t value) noexcept;  // 0x%08x
/// A received byte, or -1 if none is waiting (polling; for test programs and monitors without a driver).
int console_read_byte() noexcept;
/// Waits until the UART has sent every byte (FIFO empty, not busy).
void console_flush() noexcept;

/// Formats a decimal number into `out` (at least 11 bytes); returns the number of characters.
std::size_t format_u32(std::uint32_t value, char* out) noexcept;

}  // namespace aiopi::rp2040
