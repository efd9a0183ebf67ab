/* kio: the little I/O a bundled kernel needs (the example and the test
 * kernels): COM1, the VGA text screen described by the boot info, the TSC,
 * and leaving QEMU with a status. */
#ifndef KIO_H
#define KIO_H

#include <stdint.h>

#include "embedboot.h"

/* Use the boot info's text framebuffer, if it has one. */
void kio_init(const struct embedboot_boot_info *info);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The time-stamp counter, to read the boot timeline against. A call, not
 * inline: a kernel's first line stays its own in gdb. */
uint64_t rdtsc(void);

/* isa-debug-exit (port 0xf4): QEMU exits with (code << 1) | 1. Bochs stops
 * at its magic breakpoint; on real hardware the kernel halts. */
#define QEMU_EXIT_SUCCESS 0x10    /* status 33 */
#define QEMU_EXIT_FAILURE 0x11    /* status 35 */
__attribute__((noreturn)) void qemu_exit(uint8_t code);

#endif
