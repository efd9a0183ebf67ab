/* SHA-256 (FIPS 180-4): the digests that tie the payloads on the disk to
 * the signed EFI application (Secure Boot), computed by the host when it
 * builds the image and by the application when it checks what it read. */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BYTES 32

struct sha256 {
    uint32_t state[8];
    uint64_t length;                  /* bytes hashed so far */
    uint8_t block[64];                /* the partial block */
};

void sha256_init(struct sha256 *ctx);
void sha256_update(struct sha256 *ctx, const void *data, size_t len);
void sha256_final(struct sha256 *ctx, uint8_t digest[SHA256_BYTES]);

/* The compression of `count` 64-byte blocks into state: portable C, or
 * (host tools, embed/sha256_x86.c) the SHA instructions. */
void sha256_blocks(uint32_t state[8], const uint8_t *blocks, size_t count);
void sha256_blocks_portable(uint32_t state[8], const uint8_t *blocks, size_t count);
extern const uint32_t sha256_round_constants[64];

/* The three at once. */
void sha256(const void *data, size_t len, uint8_t digest[SHA256_BYTES]);

#endif
