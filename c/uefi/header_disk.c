/* The image header read from the disk this application was loaded from,
 * where the BIOS loader has it too (LBA 1, c/payload_layout.h): the
 * application on an unsigned image's ESP, built once for every kernel.
 * Nothing of it is signed, so it carries no payload digests either (an
 * empty set, which Secure Boot refuses: secure_boot.c). */
#include <string.h>

#include "../console.h"
#include "../page.h"
#include "../payload_layout.h"
#include "uefi.h"

const struct payload_digests _payload_digests;     /* none */

const struct image_header *uefi_image_header(void)
{
    static struct image_header header;
    struct efi_block_io *disk = uefi_boot_disk();
    uint64_t offset = IMAGE_HEADER_LBA * 512;
    uint8_t *buffer = (uint8_t *)uefi_alloc_pages(2, "image header");
    const uint8_t *at = uefi_read_disk(disk, offset, sizeof(header), buffer, 0);
    memcpy(&header, at, sizeof(header));
    if (header.magic != IMAGE_HEADER_MAGIC)
        panic("the disk this application was loaded from does not hold its image.bin (no "
              "embedboot image header at LBA %u); an application for any ESP comes from make "
              "BOOTX64.EFI", IMAGE_HEADER_LBA);
    if (!image_header_is_current(&header))
        panic("the image header on the disk is version %u (%u bytes), this application reads "
              "version %u (%u bytes): the disk holds an image.bin of another embedboot",
              header.version, header.size, IMAGE_HEADER_VERSION, (unsigned)sizeof(header));
    return &header;
}
