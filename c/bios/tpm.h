/* The TCG BIOS interface (c/bios/tpm.c). */
#ifndef BIOS_TPM_H
#define BIOS_TPM_H

#include "../boot_build.h"

/* The boot's measurements (c/measure.h) through TCG_HashLogExtendEvent: 1
 * when all were made, 0 when the BIOS has no TCG interface with a TPM (one
 * log line) or one failed. */
int bios_measure_boot(const struct image_header *hdr, const struct boot_payloads *payloads);

#endif
