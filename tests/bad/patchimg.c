/* patchimg IMAGE BLOB_OFFSET HEADER_OFFSET AT VALUE [fixcrc]: set the
 * 16-bit word at byte AT of the kernel blob inside a built image to VALUE;
 * with `fixcrc`, also rewrite the header's CRC-32 so that only stage 4's
 * own ELF validation can catch it (a kernel replaced after the build). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../c/crc32.h"
#include "../../c/image_header.h"

int main(int argc, char **argv)
{
    if (argc < 6)
        return 2;
    FILE *f = fopen(argv[1], "r+b");
    if (!f)
        return 2;
    long blob = strtol(argv[2], NULL, 0), hdr = strtol(argv[3], NULL, 0);
    long at = strtol(argv[4], NULL, 0);
    unsigned value = (unsigned)strtoul(argv[5], NULL, 0);
    struct image_header h;
    if (fseek(f, hdr, SEEK_SET) || fread(&h, sizeof(h), 1, f) != 1 || h.magic != IMAGE_HEADER_MAGIC)
        return 3;
    unsigned char *k = malloc(h.kernel_size);
    if (fseek(f, blob, SEEK_SET) || fread(k, 1, h.kernel_size, f) != h.kernel_size)
        return 3;
    k[at] = (unsigned char)value;
    k[at + 1] = (unsigned char)(value >> 8);
    if (argc > 6 && !strcmp(argv[6], "fixcrc")) {
        h.kernel_crc32 = crc32_update(0, k, h.kernel_size);
        fseek(f, hdr, SEEK_SET);
        fwrite(&h, sizeof(h), 1, f);
    }
    fseek(f, blob, SEEK_SET);
    fwrite(k, 1, h.kernel_size, f);
    return fclose(f) ? 2 : 0;
}
