/* Where the payloads lie in the image's payload area (linker.ld's
 * .kernel, right after the loader on the disk; at 1 MiB once stage 2 has
 * loaded it): the kernel blob at its start, then each module, then the
 * command lines, each on the next page boundary after the one before.
 * The BIOS link places them so (stage 4 checks that it did); the UEFI
 * application inside image.bin, which embeds no payload, finds them on
 * the disk by this rule. */
#ifndef PAYLOAD_LAYOUT_H
#define PAYLOAD_LAYOUT_H

#include <stdint.h>

#include "image_header.h"

/* The pieces: 0 the kernel, 1..module_count the modules, then the strings. */
static inline unsigned payload_strings_piece(const struct image_header *hdr)
{
    return hdr->module_count + 1;
}

/* A piece's offset from the area's start. */
uint64_t payload_offset(const struct image_header *hdr, unsigned piece);

/* The area's bytes, up to the end of the strings. */
uint64_t payload_area_bytes(const struct image_header *hdr);

/* The image header begins LBA 1, the first sector after the MBR
 * (linker.ld asserts it): the EFI application of an unsigned image reads
 * it there, so that it carries nothing of the kernel's. */
#define IMAGE_HEADER_LBA       1

/* The partition table's first entry, as stage 1 writes it: the BIOS part,
 * from LBA 1 to the end of the payload area; the disk signature says the
 * disk is an embedboot image. */
#define IMAGE_DISK_SIGNATURE   0x454d4244u        /* "DBME" at 0x1b8 */
#define IMAGE_BIOS_PART_TYPE   0xda

struct mbr_partition {
    uint8_t status, chs_first[3], type, chs_last[3];
    uint32_t lba_first, sectors;
} __attribute__((packed));

struct mbr {
    uint8_t code[0x1b8];
    uint32_t disk_signature;
    uint16_t reserved;
    struct mbr_partition partition[4];
    uint16_t boot_signature;                       /* 0xaa55 */
} __attribute__((packed));

_Static_assert(sizeof(struct mbr) == 512, "MBR layout");

/* The first sector of the payload area on an embedboot disk whose first
 * sector is `mbr`, or 0 if it is not one (or the area does not fit). */
uint64_t payload_area_lba(const struct mbr *mbr, const struct image_header *hdr);

#endif
