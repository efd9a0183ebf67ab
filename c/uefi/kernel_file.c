/* KERNEL_ON_ESP=1: the kernel is also on the ESP as \kernel.elf, and that
 * file, when present, is booted instead of the embedded blob, so a kernel
 * developer can replace it (mcopy, or a mounted stick) without rebuilding.
 * It has no CRC in the image header: it gets the ELF checks only. */
#include "../console.h"
#include "../page.h"
#include "uefi.h"

static struct efi_file *open_boot_volume(void)
{
    static const struct efi_guid loaded_image = EFI_LOADED_IMAGE_GUID;
    static const struct efi_guid file_system = EFI_SIMPLE_FILE_SYSTEM_GUID;
    struct efi_loaded_image *image;
    struct efi_simple_file_system *fs;
    struct efi_file *root;

    if (uefi.bs->handle_protocol(uefi.image, &loaded_image, (void **)&image) != EFI_SUCCESS ||
        uefi.bs->handle_protocol(image->device, &file_system, (void **)&fs) != EFI_SUCCESS ||
        fs->open_volume(fs, &root) != EFI_SUCCESS)
        return 0;
    return root;
}

/* The file's size: seek to the end (0xFFFFFFFFFFFFFFFF) and ask. */
static uint64_t file_size(struct efi_file *f)
{
    uint64_t size = 0;
    if (f->set_position(f, ~0ull) != EFI_SUCCESS || f->get_position(f, &size) != EFI_SUCCESS ||
        f->set_position(f, 0) != EFI_SUCCESS)
        return 0;
    return size;
}

int uefi_read_kernel_file(const uint8_t **blob, uint64_t *size)
{
    static const char16 name[] = u"\\kernel.elf";
    struct efi_file *root = open_boot_volume(), *file;

    if (!root) {
        console_printf("embedboot: uefi: KERNEL_ON_ESP: the boot volume has no file system, "
                       "using the embedded kernel\n");
        return -1;
    }
    if (root->open(root, &file, name, EFI_FILE_MODE_READ, 0) != EFI_SUCCESS) {
        console_printf("embedboot: uefi: KERNEL_ON_ESP: no \\kernel.elf, using the embedded kernel\n");
        root->close(root);
        return -1;
    }
    uint64_t n = file_size(file);
    if (!n)
        panic("\\kernel.elf: empty, or its size cannot be read");
    uint8_t *buffer = (uint8_t *)uefi_alloc_pages(pages_of(n), "\\kernel.elf");
    for (uint64_t done = 0; done < n;) {
        uint64_t chunk = n - done;
        if (file->read(file, &chunk, buffer + done) != EFI_SUCCESS || !chunk)
            panic("\\kernel.elf: read failed after %llu of %llu bytes", (unsigned long long)done,
                  (unsigned long long)n);
        done += chunk;
    }
    file->close(file);
    root->close(root);
    *blob = buffer;
    *size = n;
    return 0;
}
