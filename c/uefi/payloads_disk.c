/* The payloads read from the disk the application was loaded from: the
 * ESP inside image.bin carries an application without them, and the
 * kernel, modules and command lines are read once, through the firmware's
 * Block I/O on the whole disk, from the payload area the BIOS loader reads
 * too (c/payload_layout.h). The checksums in the header are checked
 * after, as on BIOS. */
#include <string.h>

#include "../console.h"
#include "../page.h"
#include "../payload_layout.h"
#include "uefi.h"

#define CHUNK (4ull << 20)             /* bytes a ReadBlocks call reads */

static unsigned node_length(const struct efi_device_path *node)
{
    return node->length[0] | node->length[1] << 8;
}

static int is_end(const struct efi_device_path *node)
{
    return node->type == EFI_DEVICE_PATH_END && node->subtype == EFI_DEVICE_PATH_END_ENTIRE;
}

/* The disk's device path from a partition's: without the last node when
 * that is a hard-drive (partition) node, else the same path; into `out`
 * (`room` bytes). Panics on a malformed or over-long path. */
static struct efi_device_path *disk_path(const struct efi_device_path *path, uint8_t *out,
                                         uint64_t room)
{
    const uint8_t *bytes = (const uint8_t *)path;
    uint64_t last = 0, at = 0;
    for (const struct efi_device_path *n = path; !is_end(n); n = (const void *)(bytes + at)) {
        if (node_length(n) < sizeof(*n) || at + node_length(n) + sizeof(*n) > room)
            panic("the boot device's path is malformed or longer than %llu bytes",
                  (unsigned long long)room);
        last = at;
        at += node_length(n);
    }
    const struct efi_device_path *tail = (const void *)(bytes + last);
    if (at && tail->type == EFI_DEVICE_PATH_MEDIA && tail->subtype == EFI_DEVICE_PATH_HARD_DRIVE)
        at = last;
    memcpy(out, bytes, at);
    *(struct efi_device_path *)(out + at) =
        (struct efi_device_path){ EFI_DEVICE_PATH_END, EFI_DEVICE_PATH_END_ENTIRE, { 4, 0 } };
    return (struct efi_device_path *)out;
}

/* The whole disk's Block I/O: the device the application came from is
 * its ESP partition, and the disk is the device at the path without the
 * partition's node (a device that is not a partition is the disk). */
static struct efi_block_io *whole_disk(void)
{
    static const struct efi_guid loaded_image = EFI_LOADED_IMAGE_GUID;
    static const struct efi_guid device_path = EFI_DEVICE_PATH_GUID;
    static const struct efi_guid block_io = EFI_BLOCK_IO_GUID;
    static uint8_t path_copy[1024];
    struct efi_loaded_image *image;
    struct efi_device_path *path;
    efi_handle disk;
    struct efi_block_io *bio;

    if (uefi.bs->handle_protocol(uefi.image, &loaded_image, (void **)&image) != EFI_SUCCESS ||
        uefi.bs->handle_protocol(image->device, &device_path, (void **)&path) != EFI_SUCCESS)
        panic("the device this application was loaded from has no device path");
    struct efi_device_path *rest = disk_path(path, path_copy, sizeof(path_copy));
    if (uefi.bs->locate_device_path(&block_io, &rest, &disk) != EFI_SUCCESS || !is_end(rest) ||
        uefi.bs->handle_protocol(disk, &block_io, (void **)&bio) != EFI_SUCCESS)
        panic("no Block I/O for the disk this application was loaded from");
    return bio;
}

struct efi_block_io *uefi_boot_disk(void)
{
    static struct efi_block_io *disk;
    if (disk)
        return disk;
    disk = whole_disk();
    uint64_t block = disk->media->block_size;
    if (block < 512 || block > PAGE_SIZE || block & (block - 1))
        panic("the disk's blocks are %llu bytes; embedboot reads disks of 512 to 4096",
              (unsigned long long)block);
    return disk;
}

/* In chunks, so that a long read can show its progress between them. */
uint8_t *uefi_read_disk(struct efi_block_io *bio, uint64_t offset, uint64_t bytes, uint8_t *buffer,
                        struct uefi_progress *progress)
{
    uint64_t block = bio->media->block_size, first = offset / block, skip = offset % block;
    uint64_t total = (skip + bytes + block - 1) / block * block;
    for (uint64_t done = 0; done < total;) {
        uint64_t n = total - done < CHUNK ? total - done : CHUNK;
        efi_status s = bio->read_blocks(bio, bio->media->media_id, first + done / block, n,
                                        buffer + done);
        if (s != EFI_SUCCESS) {
            uefi_progress_break(progress);
            panic("disk read failed at byte 0x%llx (EFI status 0x%llx)",
                  (unsigned long long)(offset + done), (unsigned long long)s);
        }
        done += n;
        if (progress)
            uefi_progress_add(progress, n);
    }
    return buffer + skip;
}

/* `bytes` at disk byte `offset` to `to`, which has a block to spare: a
 * read starts on a block boundary, so data behind one is moved down. */
static void read_piece(struct efi_block_io *bio, uint64_t offset, uint64_t bytes, uint8_t *to,
                       struct uefi_progress *progress)
{
    uint8_t *at = uefi_read_disk(bio, offset, bytes, to, progress);
    if (at != to)
        memmove(to, at, bytes);
}

const int uefi_payloads_signed = 0;

void uefi_find_payloads(struct boot_payloads *payloads, const struct image_header *hdr)
{
    struct efi_block_io *bio = uefi_boot_disk();
    uint64_t block = bio->media->block_size;
    uint8_t *first = (uint8_t *)uefi_alloc_pages(2, "partition table");
    const struct mbr *mbr = (const void *)uefi_read_disk(bio, 0, 512, first, 0);
    uint64_t lba = payload_area_lba(mbr, hdr), bytes = payload_area_bytes(hdr);
    if (!lba || (lba * 512 + bytes + block - 1) / block > bio->media->last_block + 1)
        panic("the disk this application was loaded from does not hold its image.bin (no "
              "embedboot partition table with the payloads); an application for any ESP comes "
              "from make BOOTX64.EFI");
    console_printf("embedboot: uefi: reading the payloads from the disk: %llu KiB at LBA %llu\n",
                   (unsigned long long)(bytes >> 10), (unsigned long long)lba);
    /* The kernel first, with the room its frames take when it is loaded
     * in place (mkheader computed it; BSS may make that more than the
     * firmware has, then the kernel is copied), then the modules and
     * strings. */
    uint64_t next = payload_offset(hdr, 1), rest = bytes - next;
    uint64_t room = (uint64_t)hdr->kernel_room_pages * PAGE_SIZE;
    uint8_t *area = room > next ? (uint8_t *)uefi_try_alloc_pages(pages_of(room + rest + block)) : 0;
    if (!area) {
        room = next;
        area = (uint8_t *)uefi_alloc_pages(pages_of(room + rest + block), "payloads");
    }
    struct uefi_progress progress;
    uefi_progress_start(&progress, "loading the payloads", bytes);
    read_piece(bio, lba * 512, next, area, &progress);
    read_piece(bio, lba * 512 + next, rest, area + room, &progress);
    uefi_progress_end(&progress);
    payloads->kernel = area;
    payloads->kernel_size = hdr->kernel_size;
    payloads->module_count = hdr->module_count;
    for (unsigned i = 0; i < hdr->module_count; i++)
        payloads->module[i] = (struct boot_module){ area + payload_offset(hdr, i + 1),
                                                    hdr->module[i].size };
    payloads->strings = (const char *)area + payload_offset(hdr, payload_strings_piece(hdr));
    boot_payloads_after_hole(payloads, hdr, room - next);     /* as the BIOS stage 2 does */
}
