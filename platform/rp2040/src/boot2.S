/* boot2: the second-stage boot loader, the first 256 bytes of flash (RP2040 datasheet §2.8.1.3).

   The bootrom copies these 256 bytes to SRAM at 0x20041f00, checks the CRC-32/MPEG-2 of the first 252 against
   the last word and jumps to the copy. This one is the universal "03h read" loader: every SPI NOR flash
   understands the plain READ command, so it works with any flash chip, at the cost of slower XIP than a quad
   loader (fine for a firmware that runs its hot code from SRAM-cached XIP). It sets up the XIP SSI (§4.10, a
   DesignWare SSI) for serial 03h reads with a 24-bit address, points VTOR at the application's vector table
   and enters it with its stack.

   The CRC word is written as 0 here: tools/rp2040-image boot2-crc patches it into the .bin and the ELF after
   the link (cmake/Rp2040Firmware.cmake). */
    .syntax unified
    .cpu cortex-m0plus
    .thumb

    .section .boot2, "ax"
    .global aiopi_boot2
    .type aiopi_boot2, %function
    .thumb_func
aiopi_boot2:
    ldr   r3, =0x18000000         /* XIP_SSI_BASE */
    movs  r1, #0
    str   r1, [r3, #0x08]         /* SSIENR = 0: the SSI must be disabled to be configured */
    movs  r1, #4
    str   r1, [r3, #0x14]         /* BAUDR = 4: SCK = clk_sys / 4 (clk_sys is still the ~6 MHz ROSC) */
    ldr   r1, =((31 << 16) | (3 << 8))
    str   r1, [r3, #0x00]         /* CTRLR0: DFS_32 = 31 (32-bit frames), TMOD = 3 (EEPROM read), standard SPI */
    movs  r1, #0
    str   r1, [r3, #0x04]         /* CTRLR1: NDF = 0, one data frame per XIP access */
    ldr   r1, =((0x03 << 24) | (2 << 8) | (6 << 2))
    ldr   r2, =0xf4
    str   r1, [r3, r2]            /* SPI_CTRLR0: XIP_CMD = 03h, INST_L = 8 bits, ADDR_L = 24 bits (6 nibbles) */
    movs  r1, #1
    str   r1, [r3, #0x08]         /* SSIENR = 1 */

    ldr   r0, =0x10000100         /* the application's vector table, right after boot2 */
    ldr   r1, =0xe000ed08         /* VTOR */
    str   r0, [r1]
    ldmia r0, {r0, r1}            /* initial SP, reset vector */
    msr   msp, r0
    bx    r1
    .ltorg

    .size aiopi_boot2, . - aiopi_boot2
    .org 252                      /* the CRC, patched after the link */
    .word 0
