/* The payloads' integrity check (image header): Fletcher's checksum over
 * the bytes as little-endian 32-bit words w[0..n-1] (the last one padded
 * with zeros), kept as two 64-bit sums:
 *
 *     sum      = w[0] + ... + w[n-1]               exact below 2^32 words
 *     weighted = n*w[0] + (n-1)*w[1] + ... + w[n-1]    modulo 2^64
 *
 * It catches every change confined to one or two words (so every burst of
 * up to 33 bits), reordered words and a truncated or zero-filled read; the
 * size is checked beside it. What it buys over CRC-32 is speed under an
 * emulator: one load and four adds per 8 bytes where slicing-by-8 makes
 * ten loads, and stage 4 checks every payload byte on every boot. It is
 * no defence against someone who changes a payload on purpose: Secure Boot
 * has the SHA-256 digests for that. */
#ifndef CHECKSUM_H
#define CHECKSUM_H

#include <stdint.h>

struct checksum {
    uint64_t sum;
    uint64_t weighted;
};

struct checksum checksum_of(const void *data, uint64_t len);

static inline int checksum_equal(struct checksum a, struct checksum b)
{
    return a.sum == b.sum && a.weighted == b.weighted;
}

#endif
