/* The measurement plan (README: Measured boot). PCR 8 gets the kernel's
 * command line, each module's, and the image header (the configuration:
 * protocol, features, addresses); PCR 9 the kernel as booted, then each
 * module (the initrd). Each event is logged as EV_IPL with a description
 * naming what was measured, and is printed on COM1. */
#include "console.h"
#include "fmt.h"
#include "measure.h"

struct measurer {
    measure_event_fn *fn;
    void *ctx;
    const char *who;                   /* the log lines' prefix */
};

static int event(const struct measurer *m, unsigned pcr, const void *data, uint64_t size,
                 const char *description)
{
    if (m->fn(m->ctx, pcr, data, size, description) != 0) {
        console_printf("embedboot: %s: tpm: measuring '%s' into PCR %u failed; the boot goes "
                       "on unmeasured\n", m->who, description, pcr);
        return -1;
    }
    console_printf("embedboot: %s: tpm: PCR %u <- %s (%llu bytes)\n", m->who, pcr, description,
                   (unsigned long long)size);
    return 0;
}

static int measure_command_lines(const struct measurer *m, const struct image_header *hdr,
                                 const struct boot_payloads *p)
{
    if (event(m, PCR_COMMAND_LINE, p->strings, hdr->cmdline_length,
              "embedboot kernel command line"))
        return -1;
    for (unsigned i = 0; i < p->module_count && hdr->protocol != PROTOCOL_LINUX; i++) {
        char what[48];
        fmt_format(what, sizeof(what), "embedboot module %u command line", i);
        if (event(m, PCR_COMMAND_LINE, p->strings + hdr->module[i].cmdline_offset,
                  hdr->module[i].cmdline_length, what))
            return -1;
    }
    return event(m, PCR_COMMAND_LINE, hdr, sizeof(*hdr),
                 "embedboot configuration (image header)");
}

int boot_measure(const struct image_header *hdr, const struct boot_payloads *payloads,
                 measure_event_fn *measure, void *ctx, const char *who)
{
    const struct measurer m = { measure, ctx, who };
    if (measure_command_lines(&m, hdr, payloads) ||
        event(&m, PCR_PAYLOADS, payloads->kernel, payloads->kernel_size,
              "embedboot kernel"))
        return -1;
    for (unsigned i = 0; i < payloads->module_count; i++) {
        char what[32];
        if (hdr->protocol == PROTOCOL_LINUX)
            fmt_format(what, sizeof(what), "embedboot initrd");
        else
            fmt_format(what, sizeof(what), "embedboot module %u", i);
        if (event(&m, PCR_PAYLOADS, payloads->module[i].data, payloads->module[i].size,
                  what))
            return -1;
    }
    return 0;
}
