/* A stand-in for the RP2040 bootrom's flash boot path, for the rp2040js test bench (which ships no bootrom).

   It does what the real bootrom does before the application runs (datasheet §2.8.1.3): copy the first 256
   bytes of flash (boot2) to SRAM at 0x20041f00, check the CRC-32/MPEG-2 of the first 252 bytes against the
   word at offset 252, and jump to the copy (Thumb). A wrong CRC stops at `bkpt #0xbc`, which the harness
   reports as "boot2 CRC mismatch" (the real bootrom would fall back to USB boot). Everything else the real
   bootrom does (USB, the ROM function table, core 1) is left out. */
    .syntax unified
    .cpu cortex-m0plus
    .thumb

    .section .text
    .word 0x20042000              /* initial SP: top of SCRATCH_Y, as the bootrom's */
    .word reset + 1

    .thumb_func
reset:
    ldr   r0, =0x10000000         /* flash (XIP) */
    ldr   r1, =0x20041f00         /* where boot2 runs */
    movs  r2, #64                 /* 256 bytes */
copy:
    ldmia r0!, {r3}
    stmia r1!, {r3}
    subs  r2, #1
    bne   copy

    ldr   r0, =0x20041f00
    movs  r4, #252                /* bytes covered by the CRC */
    movs  r1, #0
    mvns  r1, r1                  /* crc = 0xffffffff */
    ldr   r5, =0x04c11db7         /* polynomial, MSB first (not reflected) */
crc_byte:
    ldrb  r2, [r0]
    adds  r0, #1
    lsls  r2, r2, #24
    eors  r1, r2
    movs  r3, #8
crc_bit:
    lsls  r1, r1, #1              /* carry = the bit shifted out */
    bcc   1f
    eors  r1, r5
1:  subs  r3, #1
    bne   crc_bit
    subs  r4, #1
    bne   crc_byte

    ldr   r2, [r0]                /* the stored CRC at 0x20041ffc */
    cmp   r1, r2
    bne   bad_crc
    ldr   r0, =0x20041f01
    bx    r0
bad_crc:
    bkpt  #0xbc
    b     bad_crc
    .ltorg
