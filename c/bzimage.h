/* Checks of a Linux bzImage against the 64-bit boot protocol, shared by
 * the host (embed/kcheck.c, at build time) and the core (at boot). */
#ifndef BZIMAGE_H
#define BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "linux_boot.h"

enum bzimage_error {
    BZ_OK,
    BZ_TOO_SHORT,            /* no room for the setup header */
    BZ_NO_MAGIC,             /* no "HdrS" */
    BZ_BOOT_FLAG,            /* boot_flag is not 0xAA55 */
    BZ_OLD_PROTOCOL,         /* version < 2.12 */
    BZ_NOT_BZIMAGE,          /* LOADED_HIGH clear: a zImage */
    BZ_NO_64BIT_ENTRY,       /* XLF_KERNEL_64 clear */
    BZ_SETUP_SECTS,          /* implausible setup_sects */
    BZ_TRUNCATED,            /* the file is shorter than setup + syssize */
    BZ_INIT_SIZE,            /* init_size smaller than the kernel itself */
    BZ_ALIGNMENT,            /* kernel_alignment is not a power of two */
    BZ_CMDLINE_TOO_LONG,     /* longer than cmdline_size */
};

struct bzimage_result {
    enum bzimage_error error;
    uint64_t value, limit;   /* the offending number and what it had to respect */
};

/* What a valid bzImage tells the loader. */
struct bzimage {
    struct linux_setup_header hdr;   /* a copy: the file's bytes are unaligned */
    unsigned header_end;             /* file offset where the setup header ends */
    uint64_t setup_bytes;            /* (setup_sects + 1) * 512: the real-mode part */
    uint64_t kernel_bytes;           /* the protected-mode part that follows */
};

/* Validate `file` (size bytes) for a command line of cmdline_length bytes
 * and fill *out. Returns 0, or -1 with the reason in *why. */
int bzimage_check(const uint8_t *file, uint64_t size, uint64_t cmdline_length,
                  struct bzimage *out, struct bzimage_result *why);

/* The reason as one line naming the field ("setup_sects 200: ..."). */
void bzimage_error_message(const struct bzimage_result *r, char *buf, size_t n);

#endif
