/* The image header linked into this application ($(KDIR)/header.o): make
 * BOOTX64.EFI, and a signed image's ESP, whose signature must cover the
 * header (the configuration) and the payload digests beside it. */
#include "uefi.h"

extern const struct image_header _image_header;

const struct image_header *uefi_image_header(void)
{
    return &_image_header;
}
