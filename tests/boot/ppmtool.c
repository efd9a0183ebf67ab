/* ppmtool: QEMU screendumps (binary PPM, P6) for the graphics tests.
 *   ppmtool check FILE WIDTH HEIGHT [X,Y,R,G,B ...]   dimensions and pixels (+-24)
 *   ppmtool png FILE OUT.png                         convert (deflated by gzip)
 *   ppmtool text FILE WIDTH HEIGHT                   light-on-dark text: prints the
 *                                                    lit pixels, the rows holding some
 *                                                    and the distinct colours
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../c/crc32.h"

static unsigned w, h;
static unsigned char *rgb;

static int load(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned max;
    if (!f || fscanf(f, "P6 %u %u %u", &w, &h, &max) != 3 || max != 255 || fgetc(f) == EOF) {
        fprintf(stderr, "ppmtool: %s: not a binary PPM\n", path);
        return -1;
    }
    rgb = malloc((size_t)w * h * 3);
    if (fread(rgb, 3, (size_t)w * h, f) != (size_t)w * h) {
        fprintf(stderr, "ppmtool: %s: truncated\n", path);
        return -1;
    }
    fclose(f);
    return 0;
}

static int check(int argc, char **argv)
{
    unsigned want_w = (unsigned)atoi(argv[3]), want_h = (unsigned)atoi(argv[4]);
    int bad = 0;
    if (w != want_w || h != want_h) {
        printf("size %ux%u, expected %ux%u\n", w, h, want_w, want_h);
        return 1;
    }
    for (int i = 5; i < argc; i++) {
        unsigned x, y;
        int r, g, b;
        if (sscanf(argv[i], "%u,%u,%d,%d,%d", &x, &y, &r, &g, &b) != 5 || x >= w || y >= h) {
            printf("bad point %s\n", argv[i]);
            return 2;
        }
        const unsigned char *p = rgb + ((size_t)y * w + x) * 3;
        if (abs(p[0] - r) > 24 || abs(p[1] - g) > 24 || abs(p[2] - b) > 24) {
            printf("pixel (%u,%u) is %d,%d,%d, expected %d,%d,%d\n", x, y, p[0], p[1], p[2], r, g, b);
            bad = 1;
        }
    }
    return bad;
}

static void be32(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);  p[3] = (unsigned char)v;
}

static void chunk(FILE *f, const char *type, const unsigned char *data, unsigned len)
{
    unsigned char head[8];
    be32(head, len);
    memcpy(head + 4, type, 4);
    fwrite(head, 1, 8, f);
    fwrite(data, 1, len, f);
    unsigned crc = crc32_update(crc32_update(0, type, 4), data, len);
    be32(head, crc);
    fwrite(head, 1, 4, f);
}

/* The scanlines deflated by gzip (a raw deflate stream between its 10-byte
 * header and 8-byte trailer), rewrapped as zlib for the IDAT chunk. */
static unsigned char *deflate_with_gzip(const unsigned char *raw, size_t len, size_t *out_len)
{
    char in[] = "/tmp/ppmtool-XXXXXX", cmd[64];
    int fd = mkstemp(in);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f || fwrite(raw, 1, len, f) != len || fclose(f))
        return NULL;
    snprintf(cmd, sizeof(cmd), "gzip -9 -n -c %s", in);
    FILE *p = popen(cmd, "r");
    size_t cap = len + 1024, n = 0;
    unsigned char *gz = malloc(cap), *z;
    while (p && (n += fread(gz + n, 1, cap - n, p)) == cap)
        gz = realloc(gz, cap *= 2);
    int failed = !p || pclose(p) != 0 || n < 18;
    remove(in);
    if (failed || !(z = malloc(n))) {
        free(gz);
        return NULL;
    }
    z[0] = 0x78;
    z[1] = 0xda;
    memcpy(z + 2, gz + 10, n - 18);
    unsigned a = 1, b = 0;
    for (size_t i = 0; i < len; i++) {                   /* Adler-32 */
        a = (a + raw[i]) % 65521;
        b = (b + a) % 65521;
    }
    be32(z + 2 + n - 18, b << 16 | a);
    *out_len = n - 18 + 6;
    free(gz);
    return z;
}

static int png(const char *out)
{
    size_t raw_len = (size_t)h * (1 + 3 * w), z_len;
    unsigned char *raw = malloc(raw_len);
    for (unsigned y = 0; y < h; y++) {                   /* filter type 0 per row */
        raw[y * (1 + 3 * w)] = 0;
        memcpy(raw + y * (1 + 3 * w) + 1, rgb + (size_t)y * w * 3, 3 * w);
    }
    unsigned char *z = deflate_with_gzip(raw, raw_len, &z_len);
    FILE *f = z ? fopen(out, "wb") : NULL;
    if (!f)
        return 1;
    unsigned char ihdr[13];
    be32(ihdr, w);
    be32(ihdr + 4, h);
    ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = ihdr[11] = ihdr[12] = 0;   /* 8-bit RGB */
    fwrite("\x89PNG\r\n\x1a\n", 1, 8, f);
    chunk(f, "IHDR", ihdr, 13);
    chunk(f, "IDAT", z, (unsigned)z_len);
    chunk(f, "IEND", NULL, 0);
    return fclose(f) ? 1 : 0;
}

/* What a console of text looks like: how many pixels are lit (all
 * channels over 160), in how many rows, in how many colours. */
static int text(char **argv)
{
    unsigned want_w = (unsigned)atoi(argv[3]), want_h = (unsigned)atoi(argv[4]);
    unsigned long lit = 0, rows = 0;
    unsigned colours = 0, seen[64] = { 0 };

    if (w != want_w || h != want_h) {
        printf("size %ux%u, expected %ux%u\n", w, h, want_w, want_h);
        return 1;
    }
    for (unsigned y = 0; y < h; y++) {
        unsigned long in_row = 0;
        for (unsigned x = 0; x < w; x++) {
            const unsigned char *p = rgb + ((size_t)y * w + x) * 3;
            unsigned key = (p[0] >> 6) << 4 | (p[1] >> 6) << 2 | p[2] >> 6;
            colours += !seen[key]++;
            in_row += p[0] > 160 && p[1] > 160 && p[2] > 160;
        }
        lit += in_row;
        rows += in_row > 0;
    }
    printf("lit %lu rows %lu colours %u\n", lit, rows, colours);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4 || load(argv[2]))
        return 2;
    if (!strcmp(argv[1], "check") && argc >= 5)
        return check(argc, argv);
    if (!strcmp(argv[1], "png"))
        return png(argv[3]);
    if (!strcmp(argv[1], "text") && argc == 5)
        return text(argv);
    return 2;
}
