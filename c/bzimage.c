#include "bzimage.h"

#include <string.h>

#include "fmt.h"

static int fail(struct bzimage_result *why, enum bzimage_error e, uint64_t value,
                uint64_t limit)
{
    *why = (struct bzimage_result){ e, value, limit };
    return -1;
}

/* The header's own fields, before anything depends on them. */
static int check_header(const struct linux_setup_header *h, struct bzimage_result *why)
{
    if (h->header != LINUX_HDRS_MAGIC)
        return fail(why, BZ_NO_MAGIC, h->header, LINUX_HDRS_MAGIC);
    if (h->boot_flag != LINUX_BOOT_FLAG)
        return fail(why, BZ_BOOT_FLAG, h->boot_flag, LINUX_BOOT_FLAG);
    if (h->version < LINUX_MIN_PROTOCOL)
        return fail(why, BZ_OLD_PROTOCOL, h->version, LINUX_MIN_PROTOCOL);
    if (!(h->loadflags & LINUX_LOADED_HIGH))
        return fail(why, BZ_NOT_BZIMAGE, h->loadflags, 0);
    if (!(h->xloadflags & XLF_KERNEL_64))
        return fail(why, BZ_NO_64BIT_ENTRY, h->xloadflags, 0);
    if (h->setup_sects > LINUX_SETUP_SECTS_MAX)
        return fail(why, BZ_SETUP_SECTS, h->setup_sects, LINUX_SETUP_SECTS_MAX);
    if (h->relocatable_kernel && (h->kernel_alignment & (h->kernel_alignment - 1)))
        return fail(why, BZ_ALIGNMENT, h->kernel_alignment, 0);
    return 0;
}

int bzimage_check(const uint8_t *file, uint64_t size, uint64_t cmdline_length,
                  struct bzimage *out, struct bzimage_result *why)
{
    struct linux_setup_header *h = &out->hdr;

    if (size < LINUX_SETUP_HEADER_OFFSET + sizeof(*h))
        return fail(why, BZ_TOO_SHORT, size, LINUX_SETUP_HEADER_OFFSET + sizeof(*h));
    memcpy(h, file + LINUX_SETUP_HEADER_OFFSET, sizeof(*h));
    if (check_header(h, why))
        return -1;
    /* The header ends where its jump lands: 0x202 + the jump's offset. */
    out->header_end = 0x202 + file[0x201];
    out->setup_bytes = ((uint64_t)(h->setup_sects ? h->setup_sects : LINUX_SETUP_SECTS_DEFAULT) +
                        1) * 512;
    /* syssize counts whole paragraphs: the last may be partly missing
     * (memtest86+ ends 8 bytes into its last one). */
    uint64_t needed = out->setup_bytes + (uint64_t)h->syssize * 16;
    if (h->syssize == 0 || size + 15 < needed)
        return fail(why, BZ_TRUNCATED, size, needed);
    out->kernel_bytes = size - out->setup_bytes;
    if (h->init_size < (uint64_t)h->syssize * 16)
        return fail(why, BZ_INIT_SIZE, h->init_size, (uint64_t)h->syssize * 16);
    if (cmdline_length > h->cmdline_size)
        return fail(why, BZ_CMDLINE_TOO_LONG, cmdline_length, h->cmdline_size);
    return 0;
}

void bzimage_error_message(const struct bzimage_result *r, char *buf, size_t n)
{
    unsigned long long v = r->value, limit = r->limit;
    switch (r->error) {
    case BZ_TOO_SHORT:
        fmt_format(buf, n, "%llu bytes: too short for a Linux setup header (%llu)", v, limit);
        break;
    case BZ_NO_MAGIC:
        fmt_format(buf, n, "header 0x%08llx: no \"HdrS\" at 0x202, not a Linux kernel", v);
        break;
    case BZ_BOOT_FLAG:
        fmt_format(buf, n, "boot_flag 0x%04llx: not 0xAA55", v);
        break;
    case BZ_OLD_PROTOCOL:
        fmt_format(buf, n, "version %llu.%02llu: boot protocol older than 2.12, which "
                   "embedboot needs (64-bit entry, xloadflags)", v >> 8, v & 0xff);
        break;
    case BZ_NOT_BZIMAGE:
        fmt_format(buf, n, "loadflags 0x%02llx: LOADED_HIGH clear, a zImage; only bzImage "
                   "kernels are supported", v);
        break;
    case BZ_NO_64BIT_ENTRY:
        fmt_format(buf, n, "xloadflags 0x%04llx: no 64-bit entry (XLF_KERNEL_64)", v);
        break;
    case BZ_SETUP_SECTS:
        fmt_format(buf, n, "setup_sects %llu: implausible, more than %llu sectors of setup "
                   "code", v, limit);
        break;
    case BZ_TRUNCATED:
        fmt_format(buf, n, "the file has %llu bytes, its header (setup_sects, syssize) says "
                   "%llu: truncated", v, limit);
        break;
    case BZ_INIT_SIZE:
        fmt_format(buf, n, "init_size %llu: smaller than the kernel's %llu bytes", v, limit);
        break;
    case BZ_ALIGNMENT:
        fmt_format(buf, n, "kernel_alignment 0x%llx: not a power of two", v);
        break;
    case BZ_CMDLINE_TOO_LONG:
        fmt_format(buf, n, "command line of %llu bytes is longer than the kernel's "
                   "cmdline_size, %llu", v, limit);
        break;
    default:
        fmt_format(buf, n, "no error");
    }
}
