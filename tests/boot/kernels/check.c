/* The check kernel: verifies from the inside everything embedboot promises
 * (entry state, segment permissions, BSS, stack and guard page, boot info,
 * memory map), prints one line per check on COM1 and exits QEMU with
 * success only if all of them hold. Linked higher- and lower-half. */
#include <stdint.h>

#include "embedboot.h"
#include "checks.h"
#include "crc32.h"
#include "kio.h"
#include "trap.h"

enum { ST_RSP, ST_RBP, ST_RET, ST_RFLAGS, ST_RSI, ST_RBX, ST_RCX, ST_RDX, ST_R8, ST_R15, ST_RDI };
extern uint64_t entry_state[12];
extern char _start[], __kernel_start[], __kernel_end[];
int probe(int kind, const volatile void *addr);
enum { READ, WRITE, EXEC };

/* One of each kind of data, with a `ret` (0xc3) to try executing. */
static const uint8_t ro_code[16] = { 0xc3 };
static uint8_t data_code[16] = { 0xc3 };
static volatile uint64_t data_word = 0x1122334455667788ull;
static uint8_t bss_big[3 * 4096 + 123];
static uint64_t bss_word;

/* Pointers the loader patches when the kernel is relocatable (built with
 * -DLINK_BASE): RELATIVE relocations, and R_X86_64_64 against
 * relocation_target when linked -shared, whose code reaches it through
 * the GOT (GLOB_DAT). The hidden alias is always reached RIP-relative. */
int relocation_target = 42;
extern int relocation_target_here __attribute__((alias("relocation_target"), visibility("hidden")));
static const char patched_string[] = "patched";
static const void *volatile patched[] = { _start, __kernel_end, patched_string, &relocation_target };


static uint64_t read_efer(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080));
    return (uint64_t)hi << 32 | lo;
}

static int cpu_has_nx(void)
{
    uint32_t a = 0x80000001, b, c, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    return (d >> 20) & 1;
}

static void check_entry_state(const struct embedboot_boot_info *info)
{
    uint64_t rsp = entry_state[ST_RSP];
    check(entry_state[ST_RDI] == info->boot_info_address, "rdi points at the boot info");
    check(rsp + 8 == info->stack_top, "rsp + 8 is the stack top");
    check((rsp + 8) % 16 == 0, "rsp + 8 is 16-byte aligned");
    check(entry_state[ST_RET] == 0, "return address is zero");
    check(entry_state[ST_RBP] == 0, "rbp is zero");
    check(!(entry_state[ST_RFLAGS] & (1u << 9)), "interrupts are off");
    check(!(entry_state[ST_RFLAGS] & (1u << 10)), "direction flag is clear");
    check((entry_state[ST_RSI] | entry_state[ST_RBX] | entry_state[ST_RCX] |
           entry_state[ST_RDX] | entry_state[ST_R8] | entry_state[ST_R15]) == 0,
          "other registers are zero");
    check((read_cr0() & 0x80010001u) == 0x80010001u, "CR0.PE, CR0.WP and CR0.PG set");
    check(read_cr4() & (1u << 5), "CR4.PAE set");
    check(!(read_cr4() & (1u << 9)), "CR4.OSFXSR clear (no sse feature)");
    check((read_efer() & 0x500) == 0x500, "EFER.LME and EFER.LMA set");
    int nx = cpu_has_nx();
    check(((read_efer() >> 11) & 1) == (uint64_t)nx, "EFER.NXE set exactly when the CPU has NX");
    check(!!(info->flags & EMBEDBOOT_NX_ENABLED) == nx, "boot info NX flag matches");
    kprintf("check kernel: NX %s\n", nx ? "on" : "off");
}

static void check_segments(void)
{
    int nx = cpu_has_nx();
    check(!probe(READ, _start), ".text readable");
    check(probe(WRITE, _start), ".text not writable");
    check(probe(EXEC, ro_code) == nx, ".rodata not executable (NX)");
    check(probe(WRITE, ro_code), ".rodata not writable");
    check(!probe(WRITE, data_code), ".data writable");
    check(probe(EXEC, data_code) == nx, ".data not executable (NX)");
    check(data_word == 0x1122334455667788ull, ".data holds its initial value");
    int zero = bss_word == 0;
    for (unsigned i = 0; i < sizeof(bss_big); i++)
        zero &= bss_big[i] == 0;
    check(zero, ".bss is zero");
    check(!probe(WRITE, &bss_big[sizeof(bss_big) - 1]), ".bss writable");
    /* The rest of the last page, beyond __kernel_end: loader-zeroed too. */
    const volatile uint8_t *p = (const volatile uint8_t *)__kernel_end;
    zero = 1;
    for (; (uint64_t)p % 4096; p++)
        zero &= *p == 0;
    check(zero, "tail of the last kernel page is zero");
}

static void check_stack(const struct embedboot_boot_info *info)
{
    const volatile uint8_t *bottom = (const volatile uint8_t *)info->stack_bottom;
    check(info->stack_top - info->stack_bottom == STACK_PAGES * 4096ull,
          "stack has the configured size");
    check(!probe(WRITE, bottom), "stack bottom writable");
    check(!probe(READ, (const uint8_t *)info->stack_top - 1), "stack top readable");
    check(probe(READ, bottom - 1), "guard page below the stack faults");
    *(volatile uint8_t *)bottom = 0xc3;                 /* a ret, in case it runs */
    check(probe(EXEC, bottom) == cpu_has_nx(), "stack not executable (NX)");
}

static uint64_t total_of(const struct embedboot_memory_region *r, uint64_t n, uint32_t kind)
{
    uint64_t total = 0;
    for (uint64_t i = 0; i < n; i++)
        if (r[i].kind == kind)
            total += r[i].length;
    return total;
}

static int covered_by(const struct embedboot_memory_region *r, uint64_t n, uint64_t start,
                      uint64_t end, uint32_t kind)
{
    for (uint64_t i = 0; i < n; i++)
        if (r[i].kind == kind && r[i].start <= start && r[i].start + r[i].length >= end)
            return 1;
    return 0;
}

static void check_memory_map(const struct embedboot_boot_info *info)
{
    const struct embedboot_memory_region *r = (const void *)info->memory_regions;
    uint64_t n = info->memory_region_count;
    int sorted = 1, low_ok = 1, sizes = 1, pages = 1;

    for (uint64_t i = 0; i < n; i++) {
        sizes &= r[i].length > 0;
        if (i > 0)
            sorted &= r[i - 1].start + r[i - 1].length <= r[i].start;
        if (r[i].kind == EMBEDBOOT_MEMORY_USABLE) {
            low_ok &= r[i].start >= 0x100000;
            pages &= r[i].start % 4096 == 0 && r[i].length % 4096 == 0;
        }
    }
    check(n > 0 && sizes, "memory map regions are non-empty");
    check(sorted, "memory map sorted, no overlaps");
    check(low_ok, "nothing below 1 MiB is usable");
    check(pages, "usable regions are whole pages");
    check(info->memory_regions >= info->boot_info_address + sizeof(*info) &&
          info->memory_regions + n * sizeof(*r) <= info->boot_info_address + info->boot_info_size,
          "region array inside the boot info mapping");
    check(total_of(r, n, EMBEDBOOT_MEMORY_KERNEL) == info->kernel_physical_size &&
          covered_by(r, n, info->kernel_physical_start,
                     info->kernel_physical_start + info->kernel_physical_size,
                     EMBEDBOOT_MEMORY_KERNEL), "kernel frames marked kernel");
    check(total_of(r, n, EMBEDBOOT_MEMORY_KERNEL_STACK) == info->stack_top - info->stack_bottom,
          "stack frames marked kernel stack");
    check(total_of(r, n, EMBEDBOOT_MEMORY_BOOT_INFO) == info->boot_info_size,
          "boot info frames marked boot info");
    check(total_of(r, n, EMBEDBOOT_MEMORY_PAGE_TABLES) >= 4 * 4096, "page tables marked");
    if (info->firmware == EMBEDBOOT_FIRMWARE_BIOS)
        check(covered_by(r, n, 0x100000, 0x100000 + 4096, EMBEDBOOT_MEMORY_BOOTLOADER),
              "kernel blob at 1 MiB marked bootloader");
    else
        check(total_of(r, n, EMBEDBOOT_MEMORY_BOOTLOADER) > 0, "the loader's memory marked bootloader");
    uint64_t usable = total_of(r, n, EMBEDBOOT_MEMORY_USABLE);
    kprintf("check kernel: %llu regions, %llu KiB usable\n", (unsigned long long)n,
            (unsigned long long)usable / 1024);
    check(usable > 0, "usable memory left for the kernel");
}

static int overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
    return a < b_end && b < a_end;
}

/* Nothing else the loader maps lies inside the kernel's range. */
static void check_kernel_clear(const struct embedboot_boot_info *info)
{
    uint64_t lo = info->kernel_virtual_start, hi = info->kernel_virtual_end;
    const struct embedboot_module *m = (const void *)info->modules;
    const struct embedboot_framebuffer *fb = &info->framebuffer;
    int clear = !overlaps(lo, hi, info->stack_bottom - 4096, info->stack_top) &&
                !overlaps(lo, hi, info->boot_info_address,
                          info->boot_info_address + info->boot_info_size) &&
                !overlaps(lo, hi, fb->virtual_address,
                          fb->virtual_address + (uint64_t)fb->stride * fb->height) &&
                !((info->flags & EMBEDBOOT_HAS_PHYSICAL_MEMORY_MAP) &&
                  overlaps(lo, hi, info->physical_memory_offset,
                           info->physical_memory_offset + (4ull << 30)));
    for (uint64_t i = 0; i < info->module_count; i++)
        clear &= !overlaps(lo, hi, m[i].virtual_address, m[i].virtual_address + m[i].size);
    check(clear, "kernel range clear of stack, guard, boot info, framebuffer, windows, modules");
}

static void check_relocation(const struct embedboot_boot_info *info)
{
#ifdef LINK_BASE
    uint64_t slide = (uint64_t)__kernel_start - (uint64_t)LINK_BASE;
    check((info->flags & EMBEDBOOT_KERNEL_RELOCATED) && info->kernel_slide == slide &&
          info->kernel_relocations > 0, "relocated: flag, slide and relocation count recorded");
#else
    check(!(info->flags & EMBEDBOOT_KERNEL_RELOCATED) && info->kernel_slide == 0 &&
          info->kernel_relocations == 0 && info->random_source == EMBEDBOOT_RANDOM_NONE,
          "not relocatable: no slide, no relocations");
#endif
    check(patched[0] == _start && patched[1] == __kernel_end && patched[2] == patched_string &&
          patched[3] == &relocation_target_here, "pointers in data hold run addresses");
    check(&relocation_target == &relocation_target_here && relocation_target == 42,
          "a global reached through the GOT is the one at the run address");
    check_kernel_clear(info);
    kprintf("check kernel: slide 0x%llx, %llu relocations, random source %u\n",
            (unsigned long long)info->kernel_slide, (unsigned long long)info->kernel_relocations,
            info->random_source);
}

/* What must not depend on the firmware, on one line: the test compares it
 * between a BIOS and a UEFI boot of the same image. */
static void print_invariants(const struct embedboot_boot_info *info)
{
    uint32_t same = EMBEDBOOT_NX_ENABLED | EMBEDBOOT_SSE_ENABLED | EMBEDBOOT_HAS_TLS |
                    EMBEDBOOT_HAS_PHYSICAL_MEMORY_MAP | EMBEDBOOT_HAS_RECURSIVE_INDEX |
                    EMBEDBOOT_HAS_RSDP | EMBEDBOOT_HAS_FRAMEBUFFER;
    kprintf("check kernel: invariants: size %u flags 0x%x virt 0x%llx-0x%llx entry 0x%llx "
            "phys size 0x%llx stack 0x%llx-0x%llx tls 0x%llx/%llu/%llu features 0x%x pages %u\n",
            info->size, info->flags & same, (unsigned long long)info->kernel_virtual_start,
            (unsigned long long)info->kernel_virtual_end, (unsigned long long)info->kernel_entry,
            (unsigned long long)info->kernel_physical_size,
            (unsigned long long)info->stack_bottom, (unsigned long long)info->stack_top,
            (unsigned long long)info->tls.start_address, (unsigned long long)info->tls.file_size,
            (unsigned long long)info->tls.mem_size, info->features, info->kernel_stack_pages);
}

static void check_framebuffer(const struct embedboot_boot_info *info)
{
    const struct embedboot_framebuffer *fb = &info->framebuffer;
    if (info->firmware == EMBEDBOOT_FIRMWARE_BIOS) {
        check((info->flags & EMBEDBOOT_HAS_FRAMEBUFFER) &&
              fb->pixel_format == EMBEDBOOT_PIXELS_TEXT && fb->width == 80 && fb->height == 25 &&
              !probe(WRITE, (void *)fb->virtual_address), "VGA text framebuffer mapped");
        return;
    }
    check((info->flags & EMBEDBOOT_HAS_FRAMEBUFFER) && fb->pixel_format == EMBEDBOOT_PIXELS_RGB &&
          fb->bits_per_pixel == 32 && fb->stride >= fb->width * 4 &&
          !probe(WRITE, (void *)fb->virtual_address) &&
          !probe(WRITE, (const uint8_t *)fb->virtual_address + fb->stride * fb->height - 1),
          "GOP framebuffer described and mapped writable");
}

static void check_boot_info(const struct embedboot_boot_info *info)
{
    check(info->firmware == EMBEDBOOT_FIRMWARE_BIOS || info->firmware == EMBEDBOOT_FIRMWARE_UEFI,
          "firmware is BIOS or UEFI");
    kprintf("check kernel: firmware %s\n",
            info->firmware == EMBEDBOOT_FIRMWARE_UEFI ? "UEFI" : "BIOS");
    check(info->kernel_entry == (uint64_t)_start, "entry point recorded");
    check(info->cpus == 0 && info->cpu_count == 0 && info->bsp_apic_id == 0,
          "no CPU list without the smp feature");
    check(info->kernel_virtual_start == (uint64_t)__kernel_start &&
          info->kernel_virtual_end == (uint64_t)__kernel_end, "kernel virtual range recorded");
    check(info->kernel_physical_start % 4096 == 0 && info->kernel_physical_start >= 0x100000,
          "kernel physical range sane");
    check_framebuffer(info);
    check(!(info->flags & (EMBEDBOOT_HAS_PHYSICAL_MEMORY_MAP | EMBEDBOOT_HAS_RECURSIVE_INDEX)) &&
          info->physical_memory_offset == 0 && info->recursive_index == 0,
          "absent features flagged absent, fields zero");
}

/* The command line and the modules (boot info version 2): printed for the
 * test to compare with what it built in (sizes, CRC-32, command lines);
 * each module's pages readable, not writable, not executable; the modules
 * after each other, page-aligned, and their frames in the memory map. */
static void check_modules(const struct embedboot_boot_info *info)
{
    const struct embedboot_module *m = (const void *)info->modules;
    const struct embedboot_memory_region *r = (const void *)info->memory_regions;
    int nx = cpu_has_nx();

    kprintf("check kernel: cmdline [%s] (%llu bytes)\n", (const char *)info->cmdline,
            (unsigned long long)info->cmdline_length);
    check(((const char *)info->cmdline)[info->cmdline_length] == 0, "command line NUL-terminated");
    for (uint64_t i = 0; i < info->module_count; i++) {
        const uint8_t *data = (const uint8_t *)m[i].virtual_address;
        kprintf("check kernel: module %llu: %llu bytes, crc32 %08x, cmdline [%s], at 0x%llx\n",
                (unsigned long long)i, (unsigned long long)m[i].size,
                crc32_update(0, data, m[i].size), (const char *)m[i].cmdline,
                (unsigned long long)m[i].virtual_address);
        check(m[i].physical_address % 4096 == 0 && m[i].virtual_address % 4096 == 0,
              "module page-aligned");
        check(!i || m[i].virtual_address ==
                        m[i - 1].virtual_address + ((m[i - 1].size + 4095) & ~4095ull),
              "modules mapped after each other");
        if (!m[i].size)
            continue;
        check(!probe(READ, data + m[i].size - 1), "module readable to its end");
        check(probe(WRITE, data), "module not writable");
        check(probe(EXEC, data) == nx, "module not executable (NX)");
        int in_map = 0;
        for (uint64_t k = 0; k < info->memory_region_count; k++)
            in_map |= r[k].kind == EMBEDBOOT_MEMORY_MODULE && r[k].start <= m[i].physical_address &&
                      m[i].physical_address + m[i].size <= r[k].start + r[k].length;
        check(in_map, "module frames are 'module' in the memory map");
    }
}

/* The boot timeline (version 3): every point of this firmware's path
 * recorded, in the order the path passes them, none after this kernel's
 * entry; the others zero; a plausible TSC frequency. */
static void check_timeline(const struct embedboot_boot_info *info, uint64_t entered)
{
    static const int bios[] = { EMBEDBOOT_T_LOADER_START, EMBEDBOOT_T_STAGE2, EMBEDBOOT_T_DISK_READ,
                                EMBEDBOOT_T_VIDEO, EMBEDBOOT_T_STAGE3, EMBEDBOOT_T_STAGE4,
                                EMBEDBOOT_T_CHECKS, EMBEDBOOT_T_KERNEL_LOADED,
                                EMBEDBOOT_T_PAGE_TABLES, EMBEDBOOT_T_KERNEL_ENTRY };
    static const int uefi[] = { EMBEDBOOT_T_LOADER_START, EMBEDBOOT_T_DISK_READ, EMBEDBOOT_T_CHECKS,
                                EMBEDBOOT_T_VIDEO, EMBEDBOOT_T_KERNEL_LOADED,
                                EMBEDBOOT_T_PAGE_TABLES, EMBEDBOOT_T_KERNEL_ENTRY };
    int is_bios = info->firmware == EMBEDBOOT_FIRMWARE_BIOS;
    const int *order = is_bios ? bios : uefi;
    unsigned n = is_bios ? sizeof(bios) / sizeof(bios[0]) : sizeof(uefi) / sizeof(uefi[0]);
    int in_order = info->timeline[order[0]] != 0, passed = 0;
    for (unsigned i = 1; i < n; i++)
        in_order &= info->timeline[order[i]] >= info->timeline[order[i - 1]];
    in_order &= info->timeline[EMBEDBOOT_T_KERNEL_ENTRY] <= entered;
    for (unsigned p = 0; p < EMBEDBOOT_TIMELINE_MAX; p++)
        passed += info->timeline[p] != 0;
    check(in_order, "boot timeline: every point recorded, in the path's order, before the entry");
    check(passed == (int)n, "boot timeline: no point this firmware's path does not pass");
    /* Emulators tick slower than CPUs: Bochs counts its instructions. */
    check(info->tsc_frequency >= 1000000ull && info->tsc_frequency <= 20000000000ull,
          "boot timeline: TSC frequency between 1 MHz and 20 GHz");
    uint64_t khz = info->tsc_frequency / 1000 ? info->tsc_frequency / 1000 : 1;
    kprintf("check kernel: boot took %llu ms from the loader's start to this kernel (TSC %llu kHz)\n",
            (unsigned long long)((entered - info->timeline[EMBEDBOOT_T_LOADER_START]) / khz),
            (unsigned long long)khz);
}

/* Secure Boot and measured boot, as the loader reports them: the tests
 * compare this line with the firmware they booted. */
static void print_trust(const struct embedboot_boot_info *info)
{
    kprintf("check kernel: secure boot %s\n", info->flags & EMBEDBOOT_SECURE_BOOT ? "on" : "off");
}

void kmain(const struct embedboot_boot_info *info)
{
    uint64_t entered = rdtsc();
    kio_init(info);
    install_idt();
    kprintf("check kernel: running at 0x%llx\n", (unsigned long long)_start);
    if (info->magic != EMBEDBOOT_MAGIC || info->version != EMBEDBOOT_VERSION ||
        info->size != sizeof(*info)) {
        kprintf("check kernel: bad boot info header\n");
        qemu_exit(QEMU_EXIT_FAILURE);
    }
    check_entry_state(info);
    check_segments();
    check_stack(info);
    check_boot_info(info);
    check_memory_map(info);
    check_modules(info);
    print_invariants(info);
    print_trust(info);
    check_timeline(info, entered);
    check_relocation(info);
    checks_finish("check kernel");
}
