/* mkheader: write the image header for a (stripped) kernel blob.
 * Usage: mkheader BLOB STACK_PAGES OUT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../c/crc32.h"
#include "../c/image_header.h"
#include "readfile.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: mkheader BLOB STACK_PAGES OUT\n");
        return 2;
    }
    size_t size;
    char *why, *end;
    void *blob = read_file(argv[1], &size, &why);
    if (!blob) {
        fprintf(stderr, "embedboot: error: %s: %s\n", argv[1], why);
        return 1;
    }
    unsigned long pages = strtoul(argv[2], &end, 0);
    if (*end || pages == 0 || pages > 0xffffffffu) {
        fprintf(stderr, "embedboot: error: bad kernel stack size '%s'\n", argv[2]);
        return 1;
    }
    struct image_header h = {
        .magic = IMAGE_HEADER_MAGIC,
        .version = IMAGE_HEADER_VERSION,
        .size = sizeof(h),
        .kernel_size = size,
        .kernel_crc32 = crc32_update(0, blob, size),
        .kernel_stack_pages = (uint32_t)pages,
    };
    FILE *out = fopen(argv[3], "wb");
    if (!out || fwrite(&h, sizeof(h), 1, out) != 1 || fclose(out) != 0) {
        fprintf(stderr, "embedboot: error: cannot write %s\n", argv[3]);
        return 1;
    }
    free(blob);
    return 0;
}
