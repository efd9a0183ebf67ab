/* The image header: written by the host (embed/mkheader.c) after the loader,
 * read by stage 4 before it trusts the kernel blob. */
#ifndef IMAGE_HEADER_H
#define IMAGE_HEADER_H

#include <stdint.h>

#define IMAGE_HEADER_MAGIC   0x48494245u   /* "EBIH" */
#define IMAGE_HEADER_VERSION 1

#define DEFAULT_STACK_PAGES  512            /* as in the Rust bootloader crate */

struct image_header {
    uint32_t magic;
    uint16_t version;
    uint16_t size;                  /* sizeof(struct image_header) */
    uint64_t kernel_size;           /* bytes in the blob */
    uint32_t kernel_crc32;          /* CRC-32 (IEEE) of the blob */
    uint32_t kernel_stack_pages;    /* 4 KiB pages */
};

_Static_assert(sizeof(struct image_header) == 24, "image header layout");

#endif
