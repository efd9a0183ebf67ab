/* The payload checksum, CRC-32 (the test kernels' check), the formatter, the address-space slots and the mode choice. */
#include <stdint.h>
#include <stdlib.h>

#include "../../c/checksum.h"
#include "../../c/crc32.h"
#include "../../c/fmt.h"
#include "../../c/vspace.h"
#include "../../c/video_mode.h"
#include "unit.h"

/* The definition in checksum.h, word by word. */
static struct checksum checksum_reference(const uint8_t *p, uint64_t len)
{
    uint64_t words = (len + 3) / 4, sum = 0, weighted = 0;
    for (uint64_t i = 0; i < words; i++) {
        uint32_t w = 0;
        for (unsigned k = 0; k < 4 && 4 * i + k < len; k++)
            w |= (uint32_t)p[4 * i + k] << (8 * k);
        sum += w;
        weighted += (words - i) * (uint64_t)w;
    }
    return (struct checksum){ sum, weighted };
}

TEST(checksum_known_values)
{
    struct checksum c = checksum_of("", 0);
    CHECK_EQ(c.sum, 0);
    CHECK_EQ(c.weighted, 0);
    c = checksum_of("abcdefgh", 8);                 /* words 0x64636261, 0x68676665 */
    CHECK_EQ(c.sum, 0x64636261ull + 0x68676665ull);
    CHECK_EQ(c.weighted, 2 * 0x64636261ull + 0x68676665ull);
    c = checksum_of("abcdefghi", 9);                /* a third word, 0x00000069 */
    CHECK_EQ(c.sum, 0x64636261ull + 0x68676665ull + 0x69);
    CHECK_EQ(c.weighted, 3 * 0x64636261ull + 2 * 0x68676665ull + 0x69);
}

TEST(checksum_matches_its_definition_at_every_length_and_alignment)
{
    static uint8_t buf[300 + 8];
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 167 + 13);
    for (unsigned off = 0; off < 8; off++)
        for (unsigned len = 0; len <= 300; len++) {
            struct checksum got = checksum_of(buf + off, len);
            struct checksum want = checksum_reference(buf + off, len);
            CHECK_EQ(got.sum, want.sum);
            CHECK_EQ(got.weighted, want.weighted);
        }
    memset(buf, 0xff, sizeof(buf));                /* the largest words: no carry lost */
    struct checksum ones = checksum_of(buf, 256);
    CHECK_EQ(ones.sum, 64 * 0xffffffffull);
    CHECK_EQ(ones.weighted, (64 * 65 / 2) * 0xffffffffull);
}

/* What checksum.h promises: every change confined to two words. */
TEST(checksum_detects_every_two_bit_flip_and_every_two_word_change)
{
    static uint8_t buf[64];
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 29 + 1);
    struct checksum good = checksum_of(buf, sizeof(buf));
    for (unsigned a = 0; a < 8 * sizeof(buf); a++)
        for (unsigned b = a; b < 8 * sizeof(buf); b++) {
            buf[a / 8] ^= (uint8_t)(1u << (a % 8));
            buf[b / 8] ^= (uint8_t)(1u << (b % 8));
            CHECK(a == b || !checksum_equal(checksum_of(buf, sizeof(buf)), good));
            buf[a / 8] ^= (uint8_t)(1u << (a % 8));
            buf[b / 8] ^= (uint8_t)(1u << (b % 8));
        }
    /* Two whole words replaced at random, far apart in 1 MiB. */
    uint32_t *big = malloc(1 << 20);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (unsigned i = 0; i < (1 << 18); i++)
        big[i] = (uint32_t)(seed = seed * 6364136223846793005ull + 1442695040888963407ull) >> 1;
    good = checksum_of(big, 1 << 20);
    for (unsigned t = 0; t < 2000; t++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        unsigned i = (unsigned)(seed >> 40) % (1 << 18), j = (unsigned)(seed >> 16) % (1 << 18);
        uint32_t old_i = big[i], old_j = big[j];
        big[i] = (uint32_t)seed;
        big[j] = (uint32_t)(seed >> 32);
        CHECK(big[i] == old_i && big[j] == old_j ? 1
              : !checksum_equal(checksum_of(big, 1 << 20), good));
        big[i] = old_i, big[j] = old_j;
    }
    /* Two words swapped, and a tail read as zeros. */
    big[10] = 1, big[20] = 2;
    good = checksum_of(big, 1 << 20);
    big[10] = 2, big[20] = 1;
    CHECK(!checksum_equal(checksum_of(big, 1 << 20), good));
    big[10] = 1, big[20] = 2;
    memset(big + (1 << 17), 0, 1 << 19);
    CHECK(!checksum_equal(checksum_of(big, 1 << 20), good));
    free(big);
}

TEST(crc32_known_values)
{
    CHECK_EQ(crc32_update(0, "", 0), 0);
    CHECK_EQ(crc32_update(0, "123456789", 9), 0xcbf43926);
    CHECK_EQ(crc32_update(0, "The quick brown fox jumps over the lazy dog", 43), 0x414fa339);
}

TEST(crc32_pieces_and_alignment_agree)
{
    static uint8_t buf[1000];
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 131 + 7);
    uint32_t whole = crc32_update(0, buf, sizeof(buf));
    for (unsigned cut = 0; cut < 20; cut++) {
        uint32_t c = crc32_update(0, buf, cut);
        CHECK_EQ(crc32_update(c, buf + cut, sizeof(buf) - cut), whole);
    }
    /* The same bytes at every alignment. */
    uint8_t *copy = malloc(sizeof(buf) + 8);
    for (unsigned off = 1; off < 8; off++) {
        memcpy(copy + off, buf, sizeof(buf));
        CHECK_EQ(crc32_update(0, copy + off, sizeof(buf)), whole);
    }
    free(copy);
}

TEST(crc32_detects_single_bit_flips)
{
    static uint8_t buf[4096];
    uint32_t good = crc32_update(0, buf, sizeof(buf));
    for (unsigned i = 0; i < sizeof(buf); i += 97) {
        buf[i] ^= 0x10;
        CHECK(crc32_update(0, buf, sizeof(buf)) != good);
        buf[i] ^= 0x10;
    }
}

TEST(fmt_conversions)
{
    char b[64];
    fmt_format(b, sizeof(b), "%d %u %x %s %c %%", -42, 42u, 0xbeefu, "hi", 'z');
    CHECK(strcmp(b, "-42 42 beef hi z %") == 0);
    fmt_format(b, sizeof(b), "%016llx|%5u|%lu", 0xffffffff80000000ull, 7u, 1234567890123ul);
    CHECK(strcmp(b, "ffffffff80000000|    7|1234567890123") == 0);
    fmt_format(b, sizeof(b), "%lld", (long long)INT64_MIN);
    CHECK(strcmp(b, "-9223372036854775808") == 0);
}

TEST(fmt_truncates_safely)
{
    char b[8];
    size_t n = fmt_format(b, sizeof(b), "%s", "0123456789");
    CHECK_EQ(n, 10);
    CHECK(strcmp(b, "0123456") == 0);
    CHECK_EQ(fmt_format(b, 0, "abc"), 3);
}

TEST(vspace_avoids_kernel_and_slot_0)
{
    static struct load_plan plan;
    struct vspace v;
    plan.count = 2;
    plan.seg[0] = (struct load_segment){ .vaddr = 0x100000, .memsz = 0x1000 };          /* slot 0 */
    plan.seg[1] = (struct load_segment){ .vaddr = 0x7f8000000000ull, .memsz = 0x1000 };
    vspace_init(&v, &plan);                   /* seg 1 lies in slot 255 */
    CHECK_EQ(vspace_take_slot(&v), 0x8000000000ull);        /* slot 1 */
    CHECK_EQ(vspace_take_slot(&v), 0x10000000000ull);       /* slot 2 */
    CHECK_EQ(vspace_slot_address(256), 0xffff800000000000ull);
    CHECK_EQ(vspace_slot_address(511), 0xffffff8000000000ull);
    unsigned got = 2;
    while (vspace_take_slot(&v))
        got++;
    CHECK_EQ(got, 510);                       /* 512 minus slot 0 and slot 255 */
}

TEST(vspace_takes_consecutive_slots_in_one_half)
{
    static struct load_plan plan;
    struct vspace v;
    plan.count = 1;
    plan.seg[0] = (struct load_segment){ .vaddr = 0x8000000000ull * 3, .memsz = 0x1000 };  /* slot 3 */
    vspace_init(&v, &plan);
    CHECK_EQ(vspace_take_slots(&v, 2), 0x8000000000ull * 1);          /* slots 1-2 */
    CHECK_EQ(vspace_take_slots(&v, 3), 0x8000000000ull * 4);          /* skips slot 3 */
    vspace_mark_range(&v, 0x8000000000ull * 7, 0x8000000000ull * 200); /* 7..206 */
    CHECK_EQ(vspace_take_slots(&v, 60), 0xffff800000000000ull);        /* 207..255 too few */
}

/* FRAMEBUFFER=WxH: exact size first, else the largest (by area) not larger
 * in either direction; modes without a framebuffer never. */
TEST(video_mode_pick_rules)
{
    static const struct video_mode_size m[] = {
        { 640, 480, 1 }, { 800, 600, 1 }, { 1024, 768, 0 }, { 1280, 720, 1 },
        { 1024, 768, 1 }, { 1280, 1024, 1 }, { 1920, 1080, 1 }, { 900, 1600, 1 },
    };
    CHECK_EQ(video_mode_pick(m, 8, 800, 600), 1);
    CHECK_EQ(video_mode_pick(m, 8, 1024, 768), 4);          /* the usable one */
    CHECK_EQ(video_mode_pick(m, 8, 1000, 700), 1);          /* 800x600 */
    CHECK_EQ(video_mode_pick(m, 8, 1280, 800), 3);          /* 1280x720: more pixels than 1024x768 */
    CHECK_EQ(video_mode_pick(m, 8, 1000, 2000), 7);         /* the tall 900x1600 fits */
    CHECK_EQ(video_mode_pick(m, 8, 880, 2000), 1);          /* ... and here it does not */
    CHECK_EQ(video_mode_pick(m, 8, 600, 400), -1);
    CHECK_EQ(video_mode_pick(m, 0, 800, 600), -1);
}

UNIT_MAIN(misc, T(checksum_known_values),
          T(checksum_matches_its_definition_at_every_length_and_alignment),
          T(checksum_detects_every_two_bit_flip_and_every_two_word_change), T(crc32_known_values), T(crc32_pieces_and_alignment_agree),
          T(crc32_detects_single_bit_flips), T(fmt_conversions), T(fmt_truncates_safely),
          T(vspace_avoids_kernel_and_slot_0), T(vspace_takes_consecutive_slots_in_one_half),
          T(video_mode_pick_rules))
