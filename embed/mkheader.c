/* mkheader: the image header for a (stripped, already checked) kernel.
 *
 *   mkheader BLOB OUT [--manifest FILE] [--set KEY VARIABLE VALUE]...
 *            [--kernel-on-esp] [--cmdline-file FILE] [--module FILE ARGS]...
 *            [--object FILE] [--remove IMAGE]
 *
 * The manifest is applied first, then each --set (a make variable, which
 * overrides it); KEY is the crate's key name or "features". The protocol
 * comes from the blob's bytes (c/kernel_kind.h). An ELF kernel's settings
 * are checked with c/config.c, the code the core runs again at boot with
 * the machine's real sizes; a Linux bzImage takes a command line and one
 * module, its initrd. Each module's size and CRC go into the header, its
 * command line into the strings after the kernel's, which go to OUT.strings. --kernel-on-esp: the UEFI application boots \kernel.elf
 * from its volume when there is one (KERNEL_ON_ESP=1). --object FILE also
 * writes the header and the strings as the object the link places
 * (sections .image_header and .image_strings, symbols _image_header and
 * _image_strings). --remove IMAGE removes the image first, so that a
 * refusal leaves none built from other inputs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../c/bzimage.h"
#include "../c/config.h"
#include "../c/checksum.h"
#include "../c/sha256.h"
#include "../c/kernel_kind.h"
#include "../c/multiboot_image.h"
#include "../c/payload_layout.h"
#include "elf_object.h"
#include "manifest.h"
#include "readfile.h"
#include "report.h"

static struct settings s;
static const char *cmdline_path, *kernel_name = "kernel", *boot_info, *object_path;
static int initrd_given, force_multiboot1;
static const char *module_path[IMAGE_MODULES_MAX + 1], *module_args[IMAGE_MODULES_MAX + 1];
static unsigned modules;
static struct payload_digests digests;      /* written beside the header (OUT.digests) */
static char strings[IMAGE_STRINGS_MAX];     /* written beside the header (OUT.strings) */
static unsigned strings_used;               /* bytes of strings taken */

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
        } else if (!strcmp(argv[i], "--object") && i + 1 < argc) {
            object_path = argv[++i];
        } else if (!strcmp(argv[i], "--remove") && i + 1 < argc) {
            unlink(argv[++i]);
        } else if (!strcmp(argv[i], "--kernel-on-esp")) {
            s.h.configured |= CONFIG_KERNEL_ON_ESP;
        } else if (!strcmp(argv[i], "--cmdline-file") && i + 1 < argc) {
            cmdline_path = argv[++i];
        } else if (!strcmp(argv[i], "--kernel-name") && i + 1 < argc) {
            kernel_name = argv[++i];
        } else if (!strcmp(argv[i], "--boot-info") && i + 1 < argc) {
            boot_info = argv[++i];
        } else if (!strcmp(argv[i], "--multiboot1")) {
            force_multiboot1 = 1;
        } else if (!strcmp(argv[i], "--initrd")) {
            initrd_given = 1;                 /* the next --module is INITRD */
        } else if (!strcmp(argv[i], "--module") && i + 2 < argc) {
            if (modules == IMAGE_MODULES_MAX)
                return die("MODULES: more than 16 modules");
            module_path[modules] = argv[i + 1];
            module_args[modules++] = argv[i + 2];
            i += 2;
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

/* What the crate v0.9's boot info has no field for. */
static int refuse_for_bootloader09(void)
{
    const char *what = s.h.module_count ? "MODULES" : s.h.cmdline_length ? "CMDLINE"
                     : s.h.framebuffer_width ? "FRAMEBUFFER"
                     : (s.h.features & FEATURE_SMP) ? "FEATURES=smp" : NULL;
    if (s.h.boot_info_format != BOOT_INFO_BOOTLOADER_0_9 || !what)
        return 0;
    report_error("%s: the bootloader-0.9 boot info has no field for it; a kernel that "
                 "needs it reads embedboot's (BOOT_INFO=embedboot)", what);
    return 1;
}

/* An ELF kernel: its settings against the kernel, with the smallest
 * machine (4 GiB of physical memory, one page of boot info); the core
 * checks again with what it finds. */
static int check_native(const void *blob, size_t size)
{
    static struct load_plan plan;
    struct elf_result r;
    char text[300], err[600] = "";

    if (initrd_given)
        return die("INITRD is the Linux spelling of one module; an ELF kernel takes MODULES");
    if (elf_load_plan(blob, size, &plan, &r)) {
        elf_error_message(&r, text, sizeof(text));
        return die(text);
    }
    if (settings_boot_info(&s, boot_info, err, sizeof(err)) || refuse_for_bootloader09())
        return err[0] ? die(err) : 1;
    struct config_sizes sizes = { 4ull << 30, PAGE_SIZE, 0 };
    for (unsigned i = 0; i < s.h.module_count; i++)
        sizes.modules += page_up(s.h.module[i].size);
    enum config_key key;
    if (config_check(&s.h, &plan, &sizes, &key, text, sizeof(text))) {
        const char *where = s.source[key][0] ? s.source[key] : config_key_name(key);
        snprintf(err, sizeof(err), "%s: %s", where, text);
        return die(err);
    }
    /* The EFI application reads the kernel into this much memory, so that
     * it can load it in place (c/elf_check.h). */
    uint64_t offset = load_plan_in_place_offset(&plan);
    if (offset != LOAD_NOT_IN_PLACE && offset / PAGE_SIZE + plan.pages <= UINT32_MAX)
        s.h.kernel_room_pages = (uint32_t)(offset / PAGE_SIZE + plan.pages);
    return 0;
}

/* The native protocol's settings, refused for a kernel of another kind. */
static int refuse_native_settings(const char *kind)
{
    char err[600];
    for (enum config_key k = KEY_STACK_ADDRESS; k <= KEY_KASLR_RANGE_SIZE; k++)
        if (s.source[k][0]) {
            snprintf(err, sizeof(err), "%s: %s applies to ELF kernels; a %s does not take it",
                     s.source[k], config_key_name(k), kind);
            return die(err);
        }
    if (s.h.features) {
        snprintf(err, sizeof(err), "FEATURES apply to ELF kernels; a %s does not take them", kind);
        return die(err);
    }
    if (boot_info) {
        snprintf(err, sizeof(err), "BOOT_INFO=%s applies to ELF kernels; a %s brings its own "
                 "protocol", boot_info, kind);
        return die(err);
    }
    if (s.h.configured & CONFIG_KERNEL_ON_ESP) {
        snprintf(err, sizeof(err), "KERNEL_ON_ESP=1 is for ELF kernels; a %s is always embedded",
                 kind);
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
    if (refuse_native_settings("Linux bzImage"))
        return 1;
    if (s.h.module_count > 1) {
        snprintf(err, sizeof(err), "MODULES: %u modules; a Linux kernel takes one, its initrd",
                 s.h.module_count);
        return die(err);
    }
    s.h.protocol = PROTOCOL_LINUX;
    return 0;
}

/* Text into the header's strings, NUL-terminated; its offset, or -1 when
 * it does not fit or holds a NUL. */
static int add_string(const char *what, const char *text, size_t n)
{
    char err[600];
    if (memchr(text, 0, n)) {
        snprintf(err, sizeof(err), "%s: a command line with a NUL", what);
        return die(err), -1;
    }
    if (strings_used + n + 1 > IMAGE_STRINGS_MAX) {
        snprintf(err, sizeof(err), "%s: the command lines take more than %u bytes together", what,
                 IMAGE_STRINGS_MAX);
        return die(err), -1;
    }
    memcpy(strings + strings_used, text, n);
    strings[strings_used + n] = 0;
    strings_used += (unsigned)n + 1;
    return (int)(strings_used - n - 1);
}

static int add_string(const char *what, const char *text, size_t n);

/* Multiboot command lines begin with the file's name, as GRUB gives them
 * and kernels expect (Xen skips the first word): the kernel's and each
 * module's strings again, "NAME ARGS". */
static int name_the_command_lines(void)
{
    char line[IMAGE_STRINGS_MAX];
    char kernel_args[IMAGE_STRINGS_MAX];

    memcpy(kernel_args, strings, s.h.cmdline_length + 1);
    memset(strings, 0, sizeof(strings));
    strings_used = 0;
    if ((size_t)snprintf(line, sizeof(line), "%s%s%s", kernel_name, s.h.cmdline_length ? " " : "",
                         kernel_args) >= sizeof(line))
        return die("CMDLINE: the command lines take more than 4096 bytes together");
    s.h.cmdline_length = (uint32_t)strlen(line);
    if (add_string("CMDLINE", line, s.h.cmdline_length) < 0)
        return 1;
    for (unsigned i = 0; i < s.h.module_count; i++) {
        const char *base = strrchr(module_path[i], '/');
        if ((size_t)snprintf(line, sizeof(line), "%s%s%s", base ? base + 1 : module_path[i],
                             module_args[i][0] ? " " : "", module_args[i]) >= sizeof(line))
            return die("MODULES: the command lines take more than 4096 bytes together");
        s.h.module[i].cmdline_length = (uint16_t)strlen(line);
        int at = add_string(module_path[i], line, strlen(line));
        if (at < 0)
            return 1;
        s.h.module[i].cmdline_offset = (uint16_t)at;
    }
    return 0;
}

/* A Multiboot kernel: its header's checks; it takes a command line and
 * modules, not the native protocol's settings. */
static int check_multiboot(const char *path, const void *blob, size_t size)
{
    static struct multiboot_image mb;
    struct mb_result r;
    char text[300], err[600];

    if (multiboot_check(blob, size, force_multiboot1, &mb, &r)) {
        multiboot_error_message(&r, text, sizeof(text));
        snprintf(err, sizeof(err), "%s: %s", path, text);
        return die(err);
    }
    if (initrd_given)
        return die("INITRD is the Linux spelling of one module; a Multiboot kernel takes MODULES");
    s.h.protocol = mb.version == 2 ? PROTOCOL_MULTIBOOT2 : PROTOCOL_MULTIBOOT1;
    if (mb.want_framebuffer && mb.fb_width && mb.fb_height && !s.h.framebuffer_width) {
        s.h.framebuffer_width = mb.fb_width;           /* FRAMEBUFFER= wins over the header */
        s.h.framebuffer_height = mb.fb_height;
    }
    if (refuse_native_settings(mb.version == 2 ? "Multiboot2 kernel" : "Multiboot kernel"))
        return 1;
    return name_the_command_lines();
}

static int read_cmdline(void)
{
    size_t n = 0;
    char *why, err[600];
    char *text = cmdline_path ? read_file(cmdline_path, &n, &why) : NULL;

    if (cmdline_path && !text) {
        snprintf(err, sizeof(err), "%s: %s", cmdline_path, why);
        return die(err);
    }
    int rc = add_string("CMDLINE", text ? text : "", n);
    s.h.cmdline_length = (uint32_t)n;
    free(text);
    return rc < 0;
}

static int add_module(const char *path, const char *args)
{
    size_t n;
    char *why, err[600];
    const void *data = map_file(path, &n, &why);
    if (!data) {
        snprintf(err, sizeof(err), "%s: %s (a module)", path, why);
        return die(err);
    }
    struct image_module *m = &s.h.module[s.h.module_count++];
    m->size = n;
    m->check = checksum_of(data, n);
    sha256(data, n, digests.module[s.h.module_count - 1]);
    unmap_file(data, n);
    m->cmdline_length = (uint16_t)strlen(args);
    int at = add_string(path, args, m->cmdline_length);
    m->cmdline_offset = (uint16_t)(at < 0 ? 0 : at);
    return at < 0;
}

/* Stage 2 loads the payload area to 1 MiB (linker.ld's KERNEL_LOAD_ADDR)
 * with 32-bit addresses and byte counts, so the area must end below 4 GiB;
 * checked from the files' sizes before anything reads them (a module that
 * large would take minutes to checksum), instead of wrapping at boot. */
#define PAYLOAD_AREA_AT   (1ull << 20)
#define PAYLOAD_AREA_MAX  ((4ull << 30) - PAYLOAD_AREA_AT)

static uint64_t file_bytes(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
}

static int check_area_fits(const char *blob_path)
{
    static struct image_header sizes;
    char err[600];

    sizes.kernel_size = file_bytes(blob_path);
    sizes.module_count = modules;
    for (unsigned i = 0; i < modules; i++)
        sizes.module[i].size = file_bytes(module_path[i]);
    uint64_t bytes = payload_area_bytes(&sizes), mib = (bytes + (1 << 20) - 1) >> 20;
    if (bytes <= PAYLOAD_AREA_MAX)
        return 0;
    snprintf(err, sizeof(err), "the payloads (the kernel, %u module(s), the command lines) take "
             "%llu MiB; the BIOS loader reads them to 1 MiB with 32-bit addresses, so they must "
             "end below 4 GiB: at most %llu MiB", modules, (unsigned long long)mib,
             (unsigned long long)(PAYLOAD_AREA_MAX >> 20));
    return die(err);
}

/* OUT followed by `suffix`: the header, its strings, its digests. */
static int write_beside(const char *out_path, const char *suffix, const void *data, size_t n)
{
    char path[4096], err[4200];
    snprintf(path, sizeof(path), "%s%s", out_path, suffix);
    FILE *out = fopen(path, "wb");
    if (!out || fwrite(data, n, 1, out) != 1 || fclose(out) != 0) {
        snprintf(err, sizeof(err), "cannot write %s", path);
        return die(err);
    }
    return 0;
}

/* The header and the strings as linker.ld places them (.image_header
 * first in .loader, the strings after the payloads). */
static int write_header_object(const char *path)
{
    const struct object_section sections[] = {
        { ".image_header", "_image_header", &s.h, sizeof(s.h), 16 },
        { ".image_strings", "_image_strings", strings, sizeof(strings), 1 },
    };
    char err[4200];

    if (!write_data_object(path, sections, 2))
        return 0;
    snprintf(err, sizeof(err), "cannot write %s: %s", path, strerror(errno));
    return die(err);
}

int main(int argc, char **argv)
{
    size_t size;
    char *why, err[600];

    if (argc < 3) {
        report_error("usage: mkheader BLOB OUT [--manifest FILE] [--set KEY VAR VALUE]... "
                     "[--kernel-on-esp] [--cmdline-file FILE] [--module FILE ARGS]... "
                     "[--object FILE] [--remove IMAGE]");
        return 2;
    }
    settings_init(&s);
    int rc = parse_arguments(argc, argv);
    if (rc || check_area_fits(argv[1]) || read_cmdline())  /* the kernel's line comes first */
        return rc ? rc : 1;
    for (unsigned i = 0; i < modules; i++)
        if (add_module(module_path[i], module_args[i]))
            return 1;
    const void *blob = map_file(argv[1], &size, &why);
    if (!blob) {
        snprintf(err, sizeof(err), "%s: %s", argv[1], why);
        return die(err);
    }
    switch (kernel_kind_of(blob, size)) {
    case KIND_ELF:     rc = check_native(blob, size); break;
    case KIND_BZIMAGE: rc = check_linux(argv[1], blob, size); break;
    case KIND_MULTIBOOT: rc = check_multiboot(argv[1], blob, size); break;
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
    s.h.kernel_check = checksum_of(blob, size);
    s.h.strings_check = checksum_of(strings, sizeof(strings));
    digests.magic = PAYLOAD_DIGESTS_MAGIC;
    digests.module_count = s.h.module_count;
    sha256(blob, size, digests.kernel);
    sha256(strings, sizeof(strings), digests.strings);
    unmap_file(blob, size);
    if (write_beside(argv[2], "", &s.h, sizeof(s.h)) ||
        write_beside(argv[2], ".strings", strings, sizeof(strings)) ||
        write_beside(argv[2], ".digests", &digests, sizeof(digests)))
        return 1;
    return object_path ? write_header_object(object_path) : 0;
}
