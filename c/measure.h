/* Measured boot: what goes into the TPM before the kernel runs, in which
 * PCR, under which description. The plan is the core's; each front end
 * supplies the firmware's way to hash, extend and log one event (UEFI:
 * EFI_TCG2_PROTOCOL, BIOS: the TCG BIOS interface, INT 1Ah). */
#ifndef MEASURE_H
#define MEASURE_H

#include <stdint.h>

#include "boot_build.h"

/* The PCRs Linux loaders use (GRUB, systemd-boot): 8 for command lines and
 * configuration, 9 for the files they load. */
#define PCR_COMMAND_LINE 8
#define PCR_PAYLOADS     9

/* EV_IPL: the event type of what a boot loader measures (TCG PC Client). */
#define TCG_EV_IPL 0x0000000du

/* Hash `size` bytes at `data`, extend PCR `pcr` with the digest and log
 * the event with `description` as its data. 0 on success. */
typedef int measure_event_fn(void *ctx, unsigned pcr, const void *data, uint64_t size,
                             const char *description);

/* Every payload and command line of the boot, in a fixed order (the README
 * lists it), each logged on COM1 after "embedboot: WHO: tpm:": 0 when all
 * were measured, -1 after the first that was not (the rest are skipped;
 * the boot goes on, unmeasured). */
int boot_measure(const struct image_header *hdr, const struct boot_payloads *payloads,
                 measure_event_fn *measure, void *ctx, const char *who);

#endif
