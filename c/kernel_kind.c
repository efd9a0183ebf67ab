#include "kernel_kind.h"

#include "fmt.h"
#include "linux_boot.h"
#include "multiboot_image.h"

static uint32_t le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

enum kernel_kind kernel_kind_of(const uint8_t *file, uint64_t size)
{
    if (size >= 0x206 && le32(file + 0x202) == LINUX_HDRS_MAGIC)
        return KIND_BZIMAGE;
    if (multiboot_present(file, size))
        return KIND_MULTIBOOT;
    if (size >= 4 && file[0] == 0x7f && file[1] == 'E' && file[2] == 'L' && file[3] == 'F')
        return KIND_ELF;
    return KIND_UNKNOWN;
}

static int printable(const uint8_t *file, uint64_t size)
{
    for (uint64_t i = 0; i < size && i < 64; i++)
        if ((file[i] < 0x20 || file[i] > 0x7e) && file[i] != '\n' && file[i] != '\t' &&
            file[i] != '\r')
            return 0;
    return 1;
}

int kernel_is_gzip(const uint8_t *file, uint64_t size)
{
    return size >= 2 && file[0] == 0x1f && file[1] == 0x8b;
}

/* A few formats people hand over by mistake. */
static const char *looks_like(const uint8_t *file, uint64_t size)
{
    if (size == 0)
        return "an empty file";
    if (kernel_is_gzip(file, size))
        return "gzip-compressed data (decompress it first)";
    if (size >= 2 && file[0] == 'M' && file[1] == 'Z')
        return "a PE/COFF (MZ) executable without a Linux setup header";
    if (size >= 4 && le32(file) == 0x184d2204)
        return "LZ4-compressed data";
    if (size >= 6 && file[0] == 0xfd && file[1] == '7' && file[2] == 'z' && file[3] == 'X')
        return "xz-compressed data";
    if (size >= 2 && file[0] == '#' && file[1] == '!')
        return "a script";
    if (printable(file, size))
        return "text";
    return 0;
}

void kernel_kind_refusal(const uint8_t *file, uint64_t size, char *buf, size_t n)
{
    const char *what = looks_like(file, size);
    if (what)
        fmt_format(buf, n, "not an ELF file (no \\x7fELF magic), a Linux bzImage (no \"HdrS\" "
                   "at 0x202) nor a Multiboot kernel: it looks like %s", what);
    else
        fmt_format(buf, n, "not an ELF file (no \\x7fELF magic), a Linux bzImage (no \"HdrS\" "
                   "at 0x202) nor a Multiboot kernel: it starts with %02x %02x %02x %02x", file[0],
                   size > 1 ? file[1] : 0, size > 2 ? file[2] : 0, size > 3 ? file[3] : 0);
}
