/* mkheader: the image header for a (stripped, already checked) kernel.
 *
 *   mkheader BLOB OUT [--manifest FILE] [--set KEY VARIABLE VALUE]... [--kernel-on-esp]
 *
 * The manifest is applied first, then each --set (a make variable, which
 * overrides it); KEY is the crate's key name or "features". The result is
 * checked with c/config.c, the code stage 4 runs again at boot with the
 * machine's real sizes. --kernel-on-esp: the UEFI application boots
 * \kernel.elf from its volume when there is one (KERNEL_ON_ESP=1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../c/config.h"
#include "../c/crc32.h"
#include "manifest.h"
#include "readfile.h"
#include "report.h"

static int die(const char *msg)
{
    report_error("%s", msg);
    return 1;
}

int main(int argc, char **argv)
{
    char err[512];
    static struct settings s;
    static struct load_plan plan;

    if (argc < 3) {
        report_error("usage: mkheader BLOB OUT [--manifest FILE] [--set KEY VAR VALUE]... "
                     "[--kernel-on-esp]");
        return 2;
    }
    settings_init(&s);
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--manifest") && i + 1 < argc) {
            if (settings_from_manifest(&s, argv[++i], err, sizeof(err)))
                return die(err);
        } else if (!strcmp(argv[i], "--kernel-on-esp")) {
            s.h.configured |= CONFIG_KERNEL_ON_ESP;
        } else if (!strcmp(argv[i], "--set") && i + 3 < argc) {
            if (settings_from_variable(&s, argv[i + 1], argv[i + 2], argv[i + 3], err, sizeof(err)))
                return die(err);
            i += 3;
        } else {
            report_error("mkheader: unknown argument %s", argv[i]);
            return 2;
        }
    }

    size_t size;
    char *why;
    void *blob = read_file(argv[1], &size, &why);
    if (!blob) {
        snprintf(err, sizeof(err), "%s: %s", argv[1], why);
        return die(err);
    }
    struct elf_result r;
    if (elf_load_plan(blob, size, &plan, &r)) {
        elf_error_message(&r, err, sizeof(err));
        return die(err);
    }

    /* At build time the machine is unknown: assume the smallest mapping
     * (4 GiB of physical memory, one page of boot info); stage 4 checks
     * again with what it finds. */
    struct config_sizes sizes = { 4ull << 30, PAGE_SIZE };
    enum config_key key;
    char text[300];
    if (config_check(&s.h, &plan, &sizes, &key, text, sizeof(text))) {
        const char *where = s.source[key][0] ? s.source[key] : config_key_name(key);
        snprintf(err, sizeof(err), "%s: %s", where, text);
        return die(err);
    }

    s.h.magic = IMAGE_HEADER_MAGIC;
    s.h.version = IMAGE_HEADER_VERSION;
    s.h.size = sizeof(s.h);
    s.h.kernel_size = size;
    s.h.kernel_crc32 = crc32_update(0, blob, size);
    FILE *out = fopen(argv[2], "wb");
    if (!out || fwrite(&s.h, sizeof(s.h), 1, out) != 1 || fclose(out) != 0) {
        snprintf(err, sizeof(err), "cannot write %s", argv[2]);
        return die(err);
    }
    free(blob);
    return 0;
}
