/* The last steps before the kernel, firmware-neutral: fill the boot info,
 * log, put the CPU in the state the contract promises (README: Boot
 * contract) and jump through the hand-off page. */
#include <string.h>

#include "boot_build.h"
#include "console.h"
#include "paging.h"

#define CR0_MP       (1ull << 1)
#define CR0_EM       (1ull << 2)
#define CR4_PAE      (1ull << 5)
#define CR4_OSFXSR   (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_LA57     (1ull << 12)
#define CR0_WP       (1ull << 16)
#define MSR_EFER     0xc0000080u
#define EFER_LME     (1ull << 8)
#define EFER_LMA     (1ull << 10)
#define EFER_NXE     (1ull << 11)
#define MSR_PAT      0x277u

/* asm/handoff.asm, as linked; m->handoff_start says where it runs. The
 * entry is declared as bytes: taking a function's address would make
 * position-independent code load it from a GOT, which the PE link lacks. */
extern const uint8_t handoff_start[], enter_kernel[];
typedef void enter_fn(uint64_t pml4, uint64_t entry, uint64_t stack_top, uint64_t boot_info);

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static uint64_t kib(uint64_t bytes)
{
    return bytes / 1024;
}

static void fill_boot_info(const struct boot_layout *l, const struct memmap *final_map)
{
    const struct image_header *h = l->hdr;
    const struct load_plan *plan = &l->plan;
    struct embedboot_boot_info *bi = (void *)l->info_phys;

    *bi = (struct embedboot_boot_info){
        .magic = EMBEDBOOT_MAGIC,
        .version = EMBEDBOOT_VERSION,
        .size = sizeof(*bi),
        .firmware = l->m->firmware,
        .memory_regions = l->info_virt + sizeof(*bi),
        .memory_region_count = final_map->count,
        .kernel_physical_start = l->kernel_phys,
        .kernel_physical_size = plan->pages * PAGE_SIZE,
        .kernel_virtual_start = plan->vstart,
        .kernel_virtual_end = plan->vend,
        .kernel_entry = plan->entry,
        .stack_bottom = l->stack_bottom,
        .stack_top = l->stack_top,
        .boot_info_address = l->info_virt,
        .boot_info_size = l->info_pages * PAGE_SIZE,
        .features = h->features,
        .kernel_stack_pages = h->kernel_stack_pages,
    };
    bi->flags = (l->m->nx ? EMBEDBOOT_NX_ENABLED : 0) |
                ((h->features & FEATURE_SSE) ? EMBEDBOOT_SSE_ENABLED : 0);
    if (l->m->has_framebuffer) {
        bi->flags |= EMBEDBOOT_HAS_FRAMEBUFFER;
        bi->framebuffer = l->fb;
    }
    if (l->has_phys_map) {
        bi->flags |= EMBEDBOOT_HAS_PHYSICAL_MEMORY_MAP;
        bi->physical_memory_offset = l->phys_offset;
    }
    if (l->has_recursive) {
        bi->flags |= EMBEDBOOT_HAS_RECURSIVE_INDEX;
        bi->recursive_index = l->recursive_index;
    }
    if (l->m->rsdp) {
        bi->flags |= EMBEDBOOT_HAS_RSDP;
        bi->rsdp_address = l->m->rsdp;
    }
    if (plan->has_tls) {
        bi->flags |= EMBEDBOOT_HAS_TLS;
        bi->tls = (struct embedboot_tls_template){ plan->tls.p_vaddr, plan->tls.p_filesz,
                                                   plan->tls.p_memsz, plan->tls.p_align };
    }
}

void boot_log_layout(const struct boot_layout *l)
{
    const struct embedboot_framebuffer *fb = &l->fb;
    const char *who = l->m->log_name;
    if (l->m->has_framebuffer)
        console_printf("embedboot: %s: framebuffer %ux%u, %u bpp at 0x%llx\n", who, fb->width, fb->height,
                       fb->bits_per_pixel, (unsigned long long)fb->physical_address);
    else
        console_printf("embedboot: %s: no framebuffer\n", who);
    console_printf("embedboot: %s: kernel at 0x%llx (%llu KiB at physical 0x%llx), entry 0x%llx\n",
                   who,                    (unsigned long long)l->plan.vstart,
                   (unsigned long long)kib(l->plan.pages * PAGE_SIZE),
                   (unsigned long long)l->kernel_phys, (unsigned long long)l->plan.entry);
    console_printf("embedboot: %s: stack 0x%llx-0x%llx, boot info 0x%llx; jumping to the kernel\n",
                   who,                    (unsigned long long)l->stack_bottom, (unsigned long long)l->stack_top,
                   (unsigned long long)l->info_virt);
}

/* The same control registers on every firmware: paging with PAE (and LA57
 * only if the firmware left it on), WP, NXE exactly when the CPU has NX,
 * SSE only with the sse feature. UEFI firmware enables SSE and more, and
 * BIOS reset values leave it off: this makes both the contract's state. */
static void set_cpu_state(const struct boot_layout *l)
{
    int sse = (l->hdr->features & FEATURE_SSE) != 0;
    uint64_t cr0, cr4;

    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 = (cr4 & CR4_LA57) | CR4_PAE | (sse ? CR4_OSFXSR | CR4_OSXMMEXCPT : 0);
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 |= CR0_WP;
    if (sse)
        cr0 = (cr0 & ~CR0_EM) | CR0_MP;
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
    wrmsr(MSR_EFER, (rdmsr(MSR_EFER) & (EFER_LME | EFER_LMA)) | (l->m->nx ? EFER_NXE : 0));
    /* PAT entry 1 (selected by PWT alone) becomes write-combining for the
     * framebuffer; the others keep their power-on values (0 WB, 2 UC-,
     * 3 UC, 4 WB, 5 WT, 6 UC-, 7 UC). */
    if (l->m->pat && l->m->has_framebuffer && l->fb.pixel_format == EMBEDBOOT_PIXELS_RGB)
        wrmsr(MSR_PAT, 0x0007040600070106ull);
}

void boot_enter(const struct boot_layout *l, const struct memmap *final_map)
{
    fill_boot_info(l, final_map);
    set_cpu_state(l);
    enter_fn *enter = (enter_fn *)(l->m->handoff_start +
                                   (uint64_t)(enter_kernel - handoff_start));
    enter(l->pml4, l->plan.entry, l->stack_top, l->info_virt);
    __builtin_unreachable();
}
