#ifndef CRC32_H
#define CRC32_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 (IEEE 802.3, as zlib and `cksum -a crc32b`), in pieces: start with
 * crc = 0 and feed each piece's result into the next call. */
uint32_t crc32_update(uint32_t crc, const void *data, size_t len);

#endif
