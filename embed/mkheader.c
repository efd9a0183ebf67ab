/* mkheader: the image header for a (stripped, already checked) kernel.
 *
 *   mkheader BLOB OUT [--manifest FILE] [--set KEY VARIABLE VALUE]...
 *            [--kernel-on-esp] [--cmdline-file FILE] [--initrd FILE]
 *
 * The manifest is applied first, then each --set (a make variable, which
 * overrides it); KEY is the crate's key name or "features". The protocol
 * comes from the blob's bytes (c/kernel_kind.h). An ELF kernel's settings
 * are checked with c/config.c, the code the core runs again at boot with
 * the machine's real sizes; a Linux bzImage takes a command line and an
 * initrd instead. --kernel-on-esp: the UEFI application boots \kernel.elf
 * from its volume when there is one (KERNEL_ON_ESP=1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../c/bzimage.h"
#include "../c/config.h"
#include "../c/crc32.h"
#include "../c/kernel_kind.h"
#include "manifest.h"
#include "readfile.h"
#include "report.h"

static struct settings s;
static const char *cmdline_path, *initrd_path;

static int die(const char *msg)
{
    report_error("%s", msg);
    return 1;
}

/* 0, 1 (an error, reported) or 2 (a usage mistake, reported). */
static int parse_arguments(int argc, char **argv)
{
    char err[512];
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--manifest") && i + 1 < argc) {
            if (settings_from_manifest(&s, argv[++i], err, sizeof(err)))
                return die(err);
        } else if (!strcmp(argv[i], "--kernel-on-esp")) {
            s.h.configured |= CONFIG_KERNEL_ON_ESP;
        } else if (!strcmp(argv[i], "--cmdline-file") && i + 1 < argc) {
            cmdline_path = argv[++i];
        } else if (!strcmp(argv[i], "--initrd") && i + 1 < argc) {
            initrd_path = argv[++i];
        } else if (!strcmp(argv[i], "--set") && i + 3 < argc) {
            if (settings_from_variable(&s, argv[i + 1], argv[i + 2], argv[i + 3], err, sizeof(err)))
                return die(err);
            i += 3;
        } else {
            report_error("mkheader: unknown argument %s", argv[i]);
            return 2;
        }
    }
    return 0;
}

/* An ELF kernel: its settings against the kernel, with the smallest
 * machine (4 GiB of physical memory, one page of boot info); the core
 * checks again with what it finds. */
static int check_native(const void *blob, size_t size)
{
    static struct load_plan plan;
    struct elf_result r;
    char text[300], err[600];

    if (s.h.cmdline_length || initrd_path)
        return die("CMDLINE and INITRD are for Linux kernels; an ELF kernel gets the boot info "
                   "(include/embedboot.h)");
    if (elf_load_plan(blob, size, &plan, &r)) {
        elf_error_message(&r, text, sizeof(text));
        return die(text);
    }
    struct config_sizes sizes = { 4ull << 30, PAGE_SIZE };
    enum config_key key;
    if (config_check(&s.h, &plan, &sizes, &key, text, sizeof(text))) {
        const char *where = s.source[key][0] ? s.source[key] : config_key_name(key);
        snprintf(err, sizeof(err), "%s: %s", where, text);
        return die(err);
    }
    return 0;
}

/* A Linux bzImage: the boot protocol's checks; the native protocol's
 * settings have no meaning for it. */
static int check_linux(const char *path, const void *blob, size_t size)
{
    struct bzimage info;
    struct bzimage_result r;
    char text[300], err[600];

    if (bzimage_check(blob, size, s.h.cmdline_length, &info, &r)) {
        bzimage_error_message(&r, text, sizeof(text));
        snprintf(err, sizeof(err), "%s: %s", path, text);
        return die(err);
    }
    for (enum config_key k = KEY_STACK_ADDRESS; k <= KEY_BOOT_INFO_ADDRESS; k++)
        if (s.source[k][0]) {
            snprintf(err, sizeof(err), "%s: %s applies to ELF kernels; a Linux bzImage does "
                     "not take it", s.source[k], config_key_name(k));
            return die(err);
        }
    if (s.h.features)
        return die("FEATURES apply to ELF kernels; a Linux bzImage does not take them");
    if (s.h.configured & CONFIG_KERNEL_ON_ESP)
        return die("KERNEL_ON_ESP=1 is for ELF kernels; a Linux bzImage is always embedded");
    s.h.protocol = PROTOCOL_LINUX;
    return 0;
}

static int read_cmdline(void)
{
    size_t n;
    char *why, err[600];
    char *text = cmdline_path ? read_file(cmdline_path, &n, &why) : NULL;

    if (!cmdline_path)
        return 0;
    if (!text) {
        snprintf(err, sizeof(err), "%s: %s", cmdline_path, why);
        return die(err);
    }
    if (n >= IMAGE_CMDLINE_MAX || memchr(text, 0, n)) {
        snprintf(err, sizeof(err), "CMDLINE: %zu bytes%s; embedboot takes at most %u, no NUL", n,
                 memchr(text, 0, n) ? " with a NUL" : "", IMAGE_CMDLINE_MAX - 1);
        free(text);
        return die(err);
    }
    memcpy(s.h.cmdline, text, n);
    s.h.cmdline_length = (uint32_t)n;
    free(text);
    return 0;
}

static int read_initrd(void)
{
    size_t n;
    char *why, err[600];
    if (!initrd_path)
        return 0;
    void *data = read_file(initrd_path, &n, &why);
    if (!data) {
        snprintf(err, sizeof(err), "%s: %s (INITRD=%s)", initrd_path, why, initrd_path);
        return die(err);
    }
    s.h.initrd_size = n;
    s.h.initrd_crc32 = crc32_update(0, data, n);
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    size_t size;
    char *why, err[600];

    if (argc < 3) {
        report_error("usage: mkheader BLOB OUT [--manifest FILE] [--set KEY VAR VALUE]... "
                     "[--kernel-on-esp] [--cmdline-file FILE] [--initrd FILE]");
        return 2;
    }
    settings_init(&s);
    int rc = parse_arguments(argc, argv);
    if (rc || read_cmdline() || read_initrd())
        return rc ? rc : 1;
    void *blob = read_file(argv[1], &size, &why);
    if (!blob) {
        snprintf(err, sizeof(err), "%s: %s", argv[1], why);
        return die(err);
    }
    switch (kernel_kind_of(blob, size)) {
    case KIND_ELF:     rc = check_native(blob, size); break;
    case KIND_BZIMAGE: rc = check_linux(argv[1], blob, size); break;
    default:
        kernel_kind_refusal(blob, size, err, sizeof(err));
        rc = die(err);
    }
    if (rc)
        return rc;

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
