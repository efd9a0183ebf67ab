/* The features kernel: checks from the inside that the configuration and
 * features it was built to expect were applied. One ELF per configuration;
 * the expectations come in as macros (tests/boot/kernels/kernels.mk):
 *
 *   EXPECT_FEATURES       EMBEDBOOT_FEATURE_* bits
 *   EXPECT_STACK_PAGES    stack size in pages
 *   EXPECT_STACK_ADDRESS  the guard page's address, 0 = chosen by the loader
 *   EXPECT_BOOT_INFO      boot info address, 0 = chosen
 *   EXPECT_PHYS_OFFSET    physical-memory-offset, 0 = chosen
 */
#include <stdint.h>

#include "embedboot.h"
#include "checks.h"
#include "kio.h"
#include "trap.h"

int probe(int kind, const volatile void *addr);
enum { READ, WRITE, EXEC };
void sse_instruction(void);            /* xorps xmm0, xmm0; ret */
__asm__(".text\n.global sse_instruction\nsse_instruction:\n xorps %xmm0, %xmm0\n ret\n");

__thread uint64_t tls_word __attribute__((used)) = 0x5555aaaa5555aaaaull;   /* PT_TLS */
extern char __tdata_start[], __tdata_end[], __tbss_end[];
static volatile uint64_t data_word = 0x0123456789abcdefull;
static const uint8_t ret_byte[1] = { 0xc3 };


static int rsdp_valid(const volatile uint8_t *p)
{
    static const char sig[] = "RSD PTR ";
    uint8_t sum = 0;
    for (int i = 0; i < 8; i++)
        if (p[i] != (uint8_t)sig[i])
            return 0;
    for (int i = 0; i < 20; i++)
        sum = (uint8_t)(sum + p[i]);
    if (sum)
        return 0;
    if (p[15] >= 2) {
        uint32_t len = p[20] | p[21] << 8 | p[22] << 16 | (uint32_t)p[23] << 24;
        for (uint32_t i = 0; i < len; i++)
            sum = (uint8_t)(sum + p[i]);
    }
    return sum == 0;
}

static void check_physical_map(const struct embedboot_boot_info *info)
{
    int want = EXPECT_FEATURES & EMBEDBOOT_FEATURE_MAP_PHYSICAL_MEMORY;
    check(!!(info->flags & EMBEDBOOT_HAS_PHYSICAL_MEMORY_MAP) == !!want, "physical memory map flag");
    if (!want)
        return;
    uint64_t off = info->physical_memory_offset;
    if (EXPECT_PHYS_OFFSET)
        check(off == EXPECT_PHYS_OFFSET, "physical memory at the configured offset");
    uint64_t phys = walk(off, (uint64_t)&data_word);
    check(phys && *(volatile uint64_t *)(off + phys) == data_word,
          "page-table walk through the offset finds .data");
    *(volatile uint64_t *)(off + phys) = 0x1111222233334444ull;
    check(data_word == 0x1111222233334444ull, "a write through the offset is seen by the kernel");
    uint64_t text = walk(off, (uint64_t)&check_physical_map);
    check(text && *(volatile uint8_t *)(off + text) == *(volatile uint8_t *)&check_physical_map,
          "page-table walk through the offset finds .text");
    check(walk(off, info->stack_bottom - 4096) == 0, "the walk sees the guard page unmapped");

    /* Every usable region is reachable, the highest byte too (above 4 GiB
     * when the machine has memory there). */
    const struct embedboot_memory_region *r = (const void *)info->memory_regions;
    uint64_t top = 0;
    int readable = 1;
    for (uint64_t i = 0; i < info->memory_region_count; i++)
        if (r[i].kind == EMBEDBOOT_MEMORY_USABLE) {
            uint64_t last = r[i].start + r[i].length - 8;
            readable &= !probe(WRITE, (void *)(off + last));
            top = last > top ? last : top;
        }
    check(readable, "every usable region is readable and writable through the offset");
    kprintf("features kernel: highest usable byte 0x%llx\n", (unsigned long long)top);
    check(probe(EXEC, (const void *)(off + walk(off, (uint64_t)ret_byte))), "physical map is NX");

    check(info->flags & EMBEDBOOT_HAS_RSDP, "RSDP found");
    if (info->flags & EMBEDBOOT_HAS_RSDP)
        check(rsdp_valid((const volatile uint8_t *)(off + info->rsdp_address)),
              "RSDP signature and checksums");
}

static void check_recursive(const struct embedboot_boot_info *info)
{
    int want = EXPECT_FEATURES & EMBEDBOOT_FEATURE_RECURSIVE_PAGE_TABLE;
    check(!!(info->flags & EMBEDBOOT_HAS_RECURSIVE_INDEX) == !!want, "recursive index flag");
    if (!want)
        return;
    uint64_t r = info->recursive_index;
    uint64_t pml4 = r << 39 | r << 30 | r << 21 | r << 12;
    if (r >= 256)
        pml4 |= 0xffff000000000000ull;
    volatile uint64_t *t = (volatile uint64_t *)pml4;
    check(r < 512 && (t[r] & PTE_ADDR_MASK) == (read_cr3() & PTE_ADDR_MASK),
          "the recursive entry maps the PML4 onto itself");
    /* The PT entry for data_word, through the recursion. */
    uint64_t v = (uint64_t)&data_word;
    uint64_t pte_addr = (r << 39) | ((v >> 9) & 0x7ffffffff8ull);
    if (r >= 256)
        pte_addr |= 0xffff000000000000ull;
    uint64_t pte = *(volatile uint64_t *)pte_addr;
    check((pte & 1) && (pte & 2), "data's page-table entry read through the recursion");
}

static void check_sse(const struct embedboot_boot_info *info)
{
    int want = !!(EXPECT_FEATURES & EMBEDBOOT_FEATURE_SSE);
    check(!!(read_cr4() & (1u << 9)) == want, "CR4.OSFXSR as the sse feature says");
    check(probe(EXEC, (const void *)sse_instruction) == !want,
          want ? "an SSE instruction runs" : "an SSE instruction faults");
    check(!!(info->flags & EMBEDBOOT_SSE_ENABLED) == want, "SSE flag in the boot info");
}

/* A linear framebuffer (VBE on BIOS, GOP on UEFI): 32 bpp direct colour,
 * mapped write-combining through PAT entry 1. The page walk needs the
 * physical-memory window, which the variants asking for a size have. */
static void check_linear_framebuffer(const struct embedboot_boot_info *info)
{
    const struct embedboot_framebuffer *fb = &info->framebuffer;
    check(fb->pixel_format == EMBEDBOOT_PIXELS_RGB && fb->bits_per_pixel == 32 &&
          fb->stride >= fb->width * 4 && fb->red_size == 8 && fb->red_shift == 16 &&
          fb->green_shift == 8 && fb->blue_shift == 0,
          "linear framebuffer described (stride, masks)");
#ifdef EXPECT_VBE_WIDTH
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x277));
    int level;
    uint64_t pte = leaf_entry(info->physical_memory_offset, fb->virtual_address, &level);
    check(fb->width == EXPECT_VBE_WIDTH, "the framebuffer has the configured width");
    check(((lo >> 8) & 7) == 1, "PAT entry 1 is write-combining");
    check(level == 0 && (pte & 1) && (pte & 2) && (pte & 8) && !(pte & 0x10) && (pte >> 63),
          "framebuffer mapped writable, PWT (PAT entry 1), NX");
    check((pte & PTE_ADDR_MASK) == fb->physical_address, "framebuffer mapped at its physical address");
    *(volatile uint32_t *)fb->virtual_address = 0x00ff00ff;
    check(*(volatile uint32_t *)(info->physical_memory_offset + fb->physical_address) == 0x00ff00ff,
          "a pixel written through the mapping lands in the framebuffer");
    (void)hi;
#else
    check(!probe(WRITE, (void *)fb->virtual_address), "framebuffer writable");
#endif
}

static void check_framebuffer(const struct embedboot_boot_info *info)
{
    const struct embedboot_framebuffer *fb = &info->framebuffer;
    int linear = info->firmware == EMBEDBOOT_FIRMWARE_UEFI;
#ifdef EXPECT_VBE_WIDTH
    linear = 1;
#endif
    if (linear) {
        check_linear_framebuffer(info);
    } else if (EXPECT_FEATURES & EMBEDBOOT_FEATURE_VGA_320X200) {
        check(fb->physical_address == 0xa0000 && fb->width == 320 && fb->height == 200 &&
              fb->stride == 320 && fb->bits_per_pixel == 8 &&
              fb->pixel_format == EMBEDBOOT_PIXELS_INDEX, "mode 13h framebuffer described");
        volatile uint8_t *px = (volatile uint8_t *)fb->virtual_address;
        for (unsigned y = 0; y < 200; y++)
            for (unsigned x = 0; x < 320; x++)
                px[y * 320 + x] = (uint8_t)(x / 20 + 32);           /* colour bars */
        check(px[319] == 47 && px[199 * 320] == 32, "mode 13h framebuffer writable");
    } else {
        check(fb->pixel_format == EMBEDBOOT_PIXELS_TEXT && fb->physical_address == 0xb8000,
              "VGA text framebuffer described");
    }
    const struct embedboot_memory_region *r = (const void *)info->memory_regions;
    int marked = 0;
    for (uint64_t i = 0; i < info->memory_region_count; i++)
        marked |= r[i].kind == EMBEDBOOT_MEMORY_FRAMEBUFFER && r[i].start <= fb->physical_address &&
                  r[i].start + r[i].length > fb->physical_address;
    check(marked, "framebuffer memory marked framebuffer");
}

void kmain(const struct embedboot_boot_info *info)
{
    kio_init(info);
    install_idt();
    kprintf("features kernel: features 0x%x, stack pages %u\n", info->features,
            info->kernel_stack_pages);
    check(info->magic == EMBEDBOOT_MAGIC && info->size == sizeof(*info), "boot info header");
    check(info->features == EXPECT_FEATURES, "features applied as configured");
    check(info->stack_top - info->stack_bottom == EXPECT_STACK_PAGES * 4096ull &&
          info->kernel_stack_pages == EXPECT_STACK_PAGES, "stack has the configured size");
    if (EXPECT_STACK_ADDRESS)
        check(info->stack_bottom == EXPECT_STACK_ADDRESS + 4096, "stack at the configured address");
    check(probe(READ, (const uint8_t *)info->stack_bottom - 1), "guard page right below the stack");
    check(!probe(WRITE, (const uint8_t *)info->stack_bottom), "stack bottom writable");
    if (EXPECT_BOOT_INFO)
        check(info->boot_info_address == EXPECT_BOOT_INFO && (uint64_t)info == EXPECT_BOOT_INFO,
              "boot info at the configured address");
    check((info->flags & EMBEDBOOT_HAS_TLS) && info->tls.start_address == (uint64_t)__tdata_start &&
          info->tls.file_size == (uint64_t)(__tdata_end - __tdata_start) &&
          info->tls.mem_size == (uint64_t)(__tbss_end - __tdata_start) &&
          *(volatile uint64_t *)__tdata_start == 0x5555aaaa5555aaaaull, "TLS template described");
    check_physical_map(info);
    check_recursive(info);
    check_sse(info);
    check_framebuffer(info);
    checks_finish("features kernel");
}
