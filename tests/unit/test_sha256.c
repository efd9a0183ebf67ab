/* SHA-256 against FIPS 180-4's examples, fed in pieces, and the host's
 * SHA-instruction blocks (embed/sha256_x86.c) against the portable C. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cpuid.h>

#include "../../c/sha256.h"
#include "unit.h"

static const char *hex(const uint8_t d[SHA256_BYTES])
{
    static char out[2 * SHA256_BYTES + 1];
    for (int i = 0; i < SHA256_BYTES; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
    return out;
}

static const char *digest_of(const char *text)
{
    uint8_t d[SHA256_BYTES];
    sha256(text, strlen(text), d);
    return hex(d);
}

TEST(sha256_fips_examples)
{
    CHECK(strcmp(digest_of(""),
                 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0);
    CHECK(strcmp(digest_of("abc"),
                 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
    CHECK(strcmp(digest_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") == 0);
}

TEST(sha256_a_million_a_in_odd_pieces)
{
    struct sha256 ctx;
    uint8_t d[SHA256_BYTES];
    static char a[1000];
    memset(a, 'a', sizeof(a));
    sha256_init(&ctx);
    for (unsigned done = 0, n = 1; done < 1000000; done += n, n = n % 997 + 3) {
        if (done + n > 1000000)
            n = 1000000 - done;
        sha256_update(&ctx, a, n);
    }
    sha256_final(&ctx, d);
    CHECK(strcmp(hex(d), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0);
}

/* Every length around the padding's edge (55, 56, 64 bytes), whole and cut. */
TEST(sha256_pieces_agree_at_every_cut)
{
    static uint8_t buf[200];
    for (unsigned i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 37 + 11);
    for (unsigned len = 50; len < 140; len++) {
        uint8_t whole[SHA256_BYTES], cut[SHA256_BYTES];
        sha256(buf, len, whole);
        for (unsigned at = 0; at <= len; at += 7) {
            struct sha256 ctx;
            sha256_init(&ctx);
            sha256_update(&ctx, buf, at);
            sha256_update(&ctx, buf + at, len - at);
            sha256_final(&ctx, cut);
            CHECK(memcmp(whole, cut, SHA256_BYTES) == 0);
        }
    }
}

TEST(sha256_detects_a_flipped_bit)
{
    static uint8_t buf[4096];
    uint8_t good[SHA256_BYTES], bad[SHA256_BYTES];
    sha256(buf, sizeof(buf), good);
    buf[1234] ^= 0x01;
    sha256(buf, sizeof(buf), bad);
    CHECK(memcmp(good, bad, SHA256_BYTES) != 0);
}

/* sha256_blocks (SHA instructions where the CPU has them, as here) gives
 * the portable compression's state for every block count and content. */
TEST(sha256_instructions_agree_with_the_portable_code)
{
    unsigned a, b, c, d;
    int has = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
    printf("# this CPU %s the SHA instructions\n", has ? "has" : "lacks");
    static uint8_t buf[64 * 40];
    uint64_t x = 0x243f6a8885a308d3ull;
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)((x = x * 6364136223846793005ull + 1) >> 56);
    for (size_t blocks = 0; blocks <= 40; blocks++)
        for (int start = 0; start < 3; start++) {
            uint32_t fast[8], slow[8];
            for (int i = 0; i < 8; i++)
                fast[i] = slow[i] = (uint32_t)(x = x * 6364136223846793005ull + 1) ^ (uint32_t)start;
            sha256_blocks(fast, buf, blocks);
            sha256_blocks_portable(slow, buf, blocks);
            CHECK(memcmp(fast, slow, sizeof(fast)) == 0);
        }
}

UNIT_MAIN(sha256, T(sha256_fips_examples), T(sha256_a_million_a_in_odd_pieces),
          T(sha256_pieces_agree_at_every_cut), T(sha256_detects_a_flipped_bit),
          T(sha256_instructions_agree_with_the_portable_code))
