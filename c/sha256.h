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

/* The three at once. */
void sha256(const void *data, size_t len, uint8_t digest[SHA256_BYTES]);

#endif
