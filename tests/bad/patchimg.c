/* patchimg IMAGE BLOB_OFFSET HEADER_OFFSET AT VALUE [fixcrc|keepcrc [PIECE]]:
 * set the 16-bit word at byte AT of the kernel blob inside a built image to
 * VALUE; with `fixcrc`, also rewrite the header's CRC-32 so that only stage
 * 4's own ELF validation can catch it (a kernel replaced after the build);
 * with `keepcrc`, change the 4 bytes after the word so that the blob's
 * CRC-32 stays what the header says, as anyone can (CRC-32 is linear): only
 * a digest signed into the EFI application catches that. PIECE (with
 * keepcrc) patches another payload instead of the kernel: `module0` ...,
 * or `strings` (the command lines), where c/payload_layout.c puts it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../c/crc32.h"
#include "../../c/image_header.h"
#include "../../c/payload_layout.h"

/* Flip bits of the 4 bytes at k[at] so that the CRC of k (n bytes) becomes
 * `want`. For messages of one length, crc(x ^ e) = crc(x) ^ L(e) with L
 * linear: solve L(e) = crc(k) ^ want over the 32 bits by elimination. */
static int force_crc(unsigned char *k, size_t n, size_t at, uint32_t want)
{
    uint32_t base = crc32_update(0, k, n), column[32], pick[32];
    for (int b = 0; b < 32; b++) {
        k[at + b / 8] ^= (unsigned char)(1u << (b % 8));
        column[b] = crc32_update(0, k, n) ^ base;
        k[at + b / 8] ^= (unsigned char)(1u << (b % 8));
        pick[b] = 1u << b;                 /* which bit flips make up column[b] */
    }
    uint32_t target = base ^ want, flips = 0;
    for (int bit = 31, row = 0; bit >= 0; bit--) {   /* reduce to echelon form, high bit first */
        int p = row;
        while (p < 32 && !(column[p] >> bit & 1))
            p++;
        if (p == 32)
            continue;
        uint32_t c = column[p], k2 = pick[p];
        column[p] = column[row], pick[p] = pick[row];
        column[row] = c, pick[row] = k2;
        for (int r = 0; r < 32; r++)
            if (r != row && (column[r] >> bit & 1))
                column[r] ^= c, pick[r] ^= k2;
        if (target >> bit & 1)
            target ^= c, flips ^= k2;
        row++;
    }
    if (target)
        return -1;
    for (int b = 0; b < 32; b++)
        if (flips >> b & 1)
            k[at + b / 8] ^= (unsigned char)(1u << (b % 8));
    return crc32_update(0, k, n) == want ? 0 : -1;
}

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
    /* The piece: its offset, size and the CRC the header holds for it. */
    uint64_t offset = 0, size = h.kernel_size;
    uint32_t crc = h.kernel_crc32;
    if (argc > 7 && !strcmp(argv[7], "strings")) {
        offset = payload_offset(&h, payload_strings_piece(&h));
        size = IMAGE_STRINGS_MAX, crc = h.strings_crc32;
    } else if (argc > 7 && !strncmp(argv[7], "module", 6)) {
        unsigned i = (unsigned)atoi(argv[7] + 6);
        if (i >= h.module_count)
            return 3;
        offset = payload_offset(&h, i + 1);
        size = h.module[i].size, crc = h.module[i].crc32;
    }
    unsigned char *k = malloc(size);
    if (!k || (uint64_t)at + 6 > size || fseek(f, blob + (long)offset, SEEK_SET) ||
        fread(k, 1, size, f) != size)
        return 3;
    k[at] = (unsigned char)value;
    k[at + 1] = (unsigned char)(value >> 8);
    if (argc > 6 && !strcmp(argv[6], "keepcrc") && force_crc(k, size, at + 2, crc))
        return 4;
    if (argc > 6 && !strcmp(argv[6], "fixcrc")) {
        h.kernel_crc32 = crc32_update(0, k, h.kernel_size);
        fseek(f, hdr, SEEK_SET);
        fwrite(&h, sizeof(h), 1, f);
    }
    fseek(f, blob + (long)offset, SEEK_SET);
    fwrite(k, 1, size, f);
    return fclose(f) ? 2 : 0;
}
