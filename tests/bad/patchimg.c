/* patchimg IMAGE BLOB_OFFSET HEADER_OFFSET AT VALUE [fixsum|keepsum [PIECE]]:
 * set the 16-bit word at byte AT of the kernel blob inside a built image to
 * VALUE; with `fixsum`, also rewrite the header's checksum so that only
 * stage 4's own ELF validation can catch it (a kernel replaced after the
 * build); with `keepsum`, change three more 32-bit words next to it so that
 * the payload's checksum stays what the header says, as anyone can (it is
 * no digest): only a digest signed into the EFI application catches that.
 * PIECE (with keepsum) patches another payload instead of the kernel:
 * `module0` ..., or `strings` (the command lines), where
 * c/payload_layout.c puts it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../c/checksum.h"
#include "../../c/image_header.h"
#include "../../c/payload_layout.h"

static int64_t floor_half(int64_t x)
{
    return x >= 0 ? x / 2 : -((-x + 1) / 2);
}

static int64_t max3(int64_t a, int64_t b, int64_t c)
{
    return a > b ? (a > c ? a : c) : (b > c ? b : c);
}

static int64_t min3(int64_t a, int64_t b, int64_t c)
{
    return a < b ? (a < c ? a : c) : (b < c ? b : c);
}

static uint32_t word_at(const unsigned char *k, size_t i)
{
    uint32_t w;
    memcpy(&w, k + 4 * i, 4);
    return w;
}

/* Add d0, d1, d2 to the words j, j+1, j+2 of k (n bytes, checksum `now`)
 * so that its checksum becomes `want` again. With Da and Db what the sum and the
 * weighted sum are over: d0 + d1 + d2 = -Da, and since word i counts
 * (words - i) times, d1 + 2 d2 = Db - (words - j) Da =: R. So d2 = t,
 * d1 = R - 2t, d0 = t - Da - R, for any t that keeps the three words
 * inside 32 bits. */
static int keep_sum(unsigned char *k, size_t n, size_t j, struct checksum now,
                    struct checksum want)
{
    const int64_t top = 0xffffffffll;
    int64_t da = (int64_t)(now.sum - want.sum);
    uint64_t words = (n + 3) / 4;
    int64_t r = (int64_t)((now.weighted - want.weighted) - (words - j) * (uint64_t)da);
    int64_t w0 = word_at(k, j), w1 = word_at(k, j + 1), w2 = word_at(k, j + 2);
    int64_t lo = max3(-w2, -floor_half(top - w1 - r), da + r - w0);
    int64_t hi = min3(top - w2, floor_half(w1 + r), top + da + r - w0);
    if (lo > hi)
        return -1;
    uint32_t v[3] = { (uint32_t)(w0 + lo - da - r), (uint32_t)(w1 + r - 2 * lo), (uint32_t)(w2 + lo) };
    uint32_t old[3] = { (uint32_t)w0, (uint32_t)w1, (uint32_t)w2 };
    memcpy(k + 4 * j, v, sizeof(v));
    if (checksum_equal(checksum_of(k, n), want))
        return 0;
    memcpy(k + 4 * j, old, sizeof(old));
    return -1;
}

/* Three whole words clear of the 2 patched bytes at `at` that can take
 * the change (words near zero cannot give up much): the nearest such
 * window, after or before them. */
static int keep_sum_near(unsigned char *k, size_t n, size_t at, struct checksum want)
{
    size_t first = at / 4, last = (at + 1) / 4, whole = n / 4;
    struct checksum now = checksum_of(k, n);     /* a failed try leaves k as it was */
    for (size_t d = 1; d <= whole; d++) {
        if (last + d + 3 <= whole && keep_sum(k, n, last + d, now, want) == 0)
            return 0;
        if (first >= d + 2 && keep_sum(k, n, first - d - 2, now, want) == 0)
            return 0;
    }
    return -1;
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
    /* The piece: its offset, size and the checksum the header holds for it. */
    uint64_t offset = 0, size = h.kernel_size;
    struct checksum sum = h.kernel_check;
    if (argc > 7 && !strcmp(argv[7], "strings")) {
        offset = payload_offset(&h, payload_strings_piece(&h));
        size = IMAGE_STRINGS_MAX, sum = h.strings_check;
    } else if (argc > 7 && !strncmp(argv[7], "module", 6)) {
        unsigned i = (unsigned)atoi(argv[7] + 6);
        if (i >= h.module_count)
            return 3;
        offset = payload_offset(&h, i + 1);
        size = h.module[i].size, sum = h.module[i].check;
    }
    unsigned char *k = malloc(size);
    if (!k || (uint64_t)at + 2 > size || fseek(f, blob + (long)offset, SEEK_SET) ||
        fread(k, 1, size, f) != size)
        return 3;
    k[at] = (unsigned char)value;
    k[at + 1] = (unsigned char)(value >> 8);
    if (argc > 6 && !strcmp(argv[6], "keepsum") && keep_sum_near(k, size, (size_t)at, sum))
        return 4;
    if (argc > 6 && !strcmp(argv[6], "fixsum")) {
        h.kernel_check = checksum_of(k, h.kernel_size);
        fseek(f, hdr, SEEK_SET);
        fwrite(&h, sizeof(h), 1, f);
    }
    fseek(f, blob + (long)offset, SEEK_SET);
    fwrite(k, 1, size, f);
    return fclose(f) ? 2 : 0;
}
