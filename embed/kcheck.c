/* kcheck: refuse a kernel that the boot would refuse, at build time, with
 * the same code the core runs. The kind comes from the file's bytes: an
 * ELF file gets the ELF checks (c/elf_check.c), a Linux bzImage the boot
 * protocol's (c/bzimage.c, against the command line's length). Prints the
 * kind ("elf", "linux" or "multiboot") for the Makefile; a Multiboot
 * kernel gets its header's checks (c/multiboot_image.c), Multiboot2 before
 * Multiboot 1 unless --multiboot1.
 *
 *   kcheck KERNEL [CMDLINE_FILE] [--multiboot1] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(int argc, char **argv)
{
    size_t size, cmdline = 0;
    char *why, text[300];
    int force_v1 = argc > 1 && !strcmp(argv[argc - 1], "--multiboot1");

    argc -= force_v1;
    if (argc != 2 && argc != 3) {
        report_error("usage: kcheck KERNEL [CMDLINE_FILE] [--multiboot1]");
        return 2;
    }
    const void *image = map_file(argv[1], &size, &why);
    if (!image) {
        report_error("%s: %s", argv[1], why);
        return 1;
    }
    if (argc == 3) {
        char *text_line = read_file(argv[2], &cmdline, &why);
        if (!text_line) {
            report_error("%s: %s", argv[2], why);
            return 1;
        }
        free(text_line);
    }
    switch (kernel_kind_of(image, size)) {
    case KIND_ELF:
        if (check_elf(argv[1], image, size))
            return 1;
        puts("elf");
        break;
    case KIND_BZIMAGE:
        if (check_bzimage(argv[1], image, size, cmdline))
            return 1;
        puts("linux");
        break;
    case KIND_MULTIBOOT:
        if (check_multiboot(argv[1], image, size, force_v1))
            return 1;
        puts("multiboot");
        break;
    default:
        kernel_kind_refusal(image, size, text, sizeof(text));
        report_error("%s: %s", argv[1], text);
        return 1;
    }
    unmap_file(image, size);
    return 0;
}
