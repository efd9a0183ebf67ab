#include "payload_layout.h"

#include "page.h"

static uint64_t piece_size(const struct image_header *hdr, unsigned piece)
{
    if (piece == 0)
        return hdr->kernel_size;
    if (piece <= hdr->module_count)
        return hdr->module[piece - 1].size;
    return IMAGE_STRINGS_MAX;
}

uint64_t payload_offset(const struct image_header *hdr, unsigned piece)
{
    uint64_t at = 0;
    for (unsigned i = 0; i < piece; i++)
        at = page_up(at + piece_size(hdr, i));
    return at;
}

uint64_t payload_area_bytes(const struct image_header *hdr)
{
    unsigned strings = payload_strings_piece(hdr);
    return payload_offset(hdr, strings) + piece_size(hdr, strings);
}

uint64_t payload_area_lba(const struct mbr *mbr, const struct image_header *hdr)
{
    const struct mbr_partition *bios = &mbr->partition[0];
    uint64_t sectors = (payload_area_bytes(hdr) + 511) / 512;
    uint64_t end = (uint64_t)bios->lba_first + bios->sectors;
    if (mbr->boot_signature != 0xaa55 || mbr->disk_signature != IMAGE_DISK_SIGNATURE ||
        bios->type != IMAGE_BIOS_PART_TYPE || bios->lba_first != 1 || end < sectors + 2)
        return 0;
    return end - sectors;
}
