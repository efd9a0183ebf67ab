/* kcheck: refuse a kernel that stage 4 would refuse, at build time, with the
 * same code (c/elf_check.c). Usage: kcheck KERNEL.elf */
#include <stdio.h>
#include <stdlib.h>

#include "../c/elf_check.h"
#include "readfile.h"
#include "report.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        report_error("usage: kcheck KERNEL.elf");
        return 2;
    }
    size_t size;
    char *why;
    void *image = read_file(argv[1], &size, &why);
    if (!image) {
        report_error("%s: %s", argv[1], why);
        return 1;
    }
    static struct load_plan plan;
    struct elf_result r;
    if (elf_load_plan(image, size, &plan, &r)) {
        char text[200];
        elf_error_message(&r, text, sizeof(text));
        report_error("%s: %s", argv[1], text);
        return 1;
    }
    free(image);
    return 0;
}
