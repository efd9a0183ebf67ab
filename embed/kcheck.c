/* kcheck: refuse a kernel that the boot would refuse, at build time, with
 * the same code the core runs. The kind comes from the file's bytes: an
 * ELF file gets the ELF checks (c/elf_check.c), a Linux bzImage the boot
 * protocol's (c/bzimage.c, against the command line's length). Prints the
 * kind ("elf", "linux" or "multiboot") for the Makefile; a Multiboot
 * kernel gets its header's checks (c/multiboot_image.c), Multiboot2 before
 * Multiboot 1 unless --multiboot1. Gzip-compressed data (Debian's xen-*.gz)
 * prints "gzip": the Makefile unpacks it and asks again with --unpacked,
 * which refuses data compressed twice.
 *
 * --remove IMAGE removes the image first: whatever step of the build fails
 * after this one, no image built from other inputs is left behind. --out
 * FILE writes the kind there instead of stdout. (Both spare the Makefile a
 * shell and a process in every rebuild.)
 *
 *   kcheck [--remove IMAGE] [--out FILE] [--unpacked] [--multiboot1] KERNEL [CMDLINE_FILE] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../c/bzimage.h"
#include "../c/elf_check.h"
#include "../c/kernel_kind.h"
#include "../c/multiboot_image.h"
#include "readfile.h"
#include "report.h"

static int check_elf(const char *path, const void *image, size_t size)
{
    static struct load_plan plan;
    struct elf_result r;
    char text[200];

    if (!elf_load_plan(image, size, &plan, &r))
        return 0;
    elf_error_message(&r, text, sizeof(text));
    report_error("%s: %s", path, text);
    return -1;
}

static int check_bzimage(const char *path, const void *image, size_t size, size_t cmdline)
{
    struct bzimage info;
    struct bzimage_result r;
    char text[200];

    if (!bzimage_check(image, size, cmdline, &info, &r))
        return 0;
    bzimage_error_message(&r, text, sizeof(text));
    report_error("%s: %s", path, text);
    return -1;
}

static int check_multiboot(const char *path, const void *image, size_t size, int force_v1)
{
    static struct multiboot_image mb;
    struct mb_result r;
    char text[200];

    if (!multiboot_check(image, size, force_v1, &mb, &r))
        return 0;
    multiboot_error_message(&r, text, sizeof(text));
    report_error("%s: %s", path, text);
    return -1;
}

struct options {
    const char *remove, *out, *kernel, *cmdline;
    int unpacked, force_v1;
};

/* 0, or 2 with the usage reported. */
static int parse_options(int argc, char **argv, struct options *o)
{
    int paths = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--remove") && i + 1 < argc)
            o->remove = argv[++i];
        else if (!strcmp(argv[i], "--out") && i + 1 < argc)
            o->out = argv[++i];
        else if (!strcmp(argv[i], "--unpacked"))
            o->unpacked = 1;
        else if (!strcmp(argv[i], "--multiboot1"))
            o->force_v1 = 1;
        else if (argv[i][0] != '-' && paths < 2)
            *(paths++ ? &o->cmdline : &o->kernel) = argv[i];
        else
            paths = 3;
    }
    if (paths >= 1 && paths <= 2)
        return 0;
    report_error("usage: kcheck [--remove IMAGE] [--out FILE] [--unpacked] [--multiboot1] KERNEL [CMDLINE_FILE]");
    return 2;
}

/* The command line's length (the bzImage checks need it), or -1. */
static long cmdline_length(const char *path)
{
    size_t size = 0;
    char *why, *text;

    if (!path)
        return 0;
    text = read_file(path, &size, &why);
    if (!text) {
        report_error("%s: %s", path, why);
        return -1;
    }
    free(text);
    return (long)size;
}

/* Checks the kernel as the boot would: its kind, or NULL (reported). */
static const char *check_kind(const char *path, const void *image, size_t size, size_t cmdline,
                              int force_v1)
{
    char text[300];

    switch (kernel_kind_of(image, size)) {
    case KIND_ELF:
        return check_elf(path, image, size) ? NULL : "elf";
    case KIND_BZIMAGE:
        return check_bzimage(path, image, size, cmdline) ? NULL : "linux";
    case KIND_MULTIBOOT:
        return check_multiboot(path, image, size, force_v1) ? NULL : "multiboot";
    default:
        kernel_kind_refusal(image, size, text, sizeof(text));
        report_error("%s: %s", path, text);
        return NULL;
    }
}

/* The kind, one line, to FILE or stdout: 0 or 1. */
static int print_kind(const char *kind, const char *file)
{
    FILE *f = file ? fopen(file, "w") : stdout;

    if (!f || fprintf(f, "%s\n", kind) < 0 || (file && fclose(f))) {
        report_error("%s: %s", file ? file : "stdout", strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct options o = { 0 };
    size_t size;
    char *why;

    if (parse_options(argc, argv, &o))
        return 2;
    if (o.remove)
        unlink(o.remove);
    long cmdline = cmdline_length(o.cmdline);
    if (cmdline < 0)
        return 1;
    const void *image = map_file(o.kernel, &size, &why);
    if (!image) {
        report_error("%s: %s", o.kernel, why);
        return 1;
    }
    const char *kind = kernel_is_gzip(image, size) && !o.unpacked
                           ? "gzip"
                           : check_kind(o.kernel, image, size, (size_t)cmdline, o.force_v1);
    unmap_file(image, size);
    return kind ? print_kind(kind, o.out) : 1;
}
