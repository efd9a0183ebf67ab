/* Memory on UEFI: the firmware's map, the pages we allocate, and the exit
 * from boot services.
 *
 * The free memory the core's pool takes the kernel's frames from is the
 * firmware's conventional memory, as the clean E820 map is on BIOS; each
 * run the core picks is claimed with AllocatePages at that address
 * (EfiLoaderData) before it is used, and a run the firmware has given to
 * someone else since is skipped. Every allocation is recorded, so that a
 * failure before ExitBootServices gives everything back. */
#include <string.h>

#include "../console.h"
#include "../page.h"
#include "uefi.h"

#define MAX_DESCRIPTORS  MEMMAP_MAX
/* Descriptors the map may grow by before the exit: our own allocations,
 * each run the pool logs splitting a conventional region. */
#define MAP_SLACK        (32 + 2 * FRAMES_MAX_LOG)
#define MAX_ALLOCATIONS  256             /* adjacent ones are recorded as one */
#define MiB              0x100000ull

static struct raw_region raw[MAX_DESCRIPTORS];
static struct embedboot_memory_region clean[MAX_DESCRIPTORS], free_regions[MAX_DESCRIPTORS];
static struct memmap firmware_map = { clean, 0, MAX_DESCRIPTORS, 0 };
static struct memmap free_map = { free_regions, 0, MAX_DESCRIPTORS, 0 };
static struct { uint64_t address, pages; } allocations[MAX_ALLOCATIONS];
static unsigned nallocations;

static uint8_t *map;                      /* the GetMemoryMap buffer */
static uint64_t map_capacity, map_size, map_key, descriptor_size;
static uint32_t descriptor_version;

/* A local function, passed by address: the address of another file's
 * function would be loaded from a GOT, which the PE link does not have
 * (the build refuses such objects, targets/uefi.mk). */
static uint32_t kind_of(uint32_t type)
{
    return memmap_kind_of_efi(type);
}

/* Boot services memory is conventional memory once they have exited:
 * it merges with its neighbours as one usable region. */
static int free_after_exit(uint32_t type)
{
    return type == EFI_BOOT_SERVICES_CODE || type == EFI_BOOT_SERVICES_DATA;
}

/* Remember an allocation for uefi_release_all, merged with the last one
 * when they touch (the pool's runs mostly do). */
static void record(uint64_t address, uint64_t pages)
{
    if (nallocations &&
        allocations[nallocations - 1].address + allocations[nallocations - 1].pages * PAGE_SIZE ==
            address) {
        allocations[nallocations - 1].pages += pages;
        return;
    }
    if (nallocations == MAX_ALLOCATIONS) {
        uefi.bs->free_pages(address, pages);
        panic_as(PANIC_NO_MEMORY, "more than %u separate allocations", MAX_ALLOCATIONS);
    }
    allocations[nallocations].address = address;
    allocations[nallocations++].pages = pages;
}

/* `pages` of `type`, below max_address if it is not 0, recorded; 0 when
 * the firmware has none. */
static uint64_t try_alloc_pages(uint64_t pages, uint32_t type, uint64_t max_address)
{
    uint64_t address = max_address;
    int how = max_address ? EFI_ALLOCATE_MAX_ADDRESS : EFI_ALLOCATE_ANY_PAGES;

    if (uefi.bs->allocate_pages(how, type, pages, &address) != EFI_SUCCESS)
        return 0;
    record(address, pages);
    return address;
}

/* ... anywhere, else a panic naming `what`; below max_address, 0 if none. */
static uint64_t alloc_pages(uint64_t pages, uint32_t type, uint64_t max_address, const char *what)
{
    uint64_t address = try_alloc_pages(pages, type, max_address);

    if (!address && !max_address)
        panic_as(PANIC_NO_MEMORY, "not enough memory: AllocatePages cannot give %llu KiB for "
                 "the %s", (unsigned long long)pages * 4, what);
    return address;
}

uint64_t uefi_alloc_pages(uint64_t pages, const char *what)
{
    return alloc_pages(pages, EFI_LOADER_DATA, 0, what);
}

uint64_t uefi_try_alloc_pages(uint64_t pages)
{
    return try_alloc_pages(pages, EFI_LOADER_DATA, 0);
}

void uefi_release_all(void)
{
    while (nallocations) {
        nallocations--;
        uefi.bs->free_pages(allocations[nallocations].address, allocations[nallocations].pages);
    }
}

/* A buffer for the map as it is now, with room for it to grow a little. */
static void allocate_map_buffer(void)
{
    uint64_t size = 0, key;
    uint32_t version;
    if (uefi.bs->get_memory_map(&size, 0, &key, &descriptor_size, &version) !=
        EFI_BUFFER_TOO_SMALL || descriptor_size < sizeof(struct efi_memory_descriptor))
        panic("GetMemoryMap does not report its size");
    map_capacity = size + MAP_SLACK * descriptor_size;
    map = (uint8_t *)uefi_alloc_pages(pages_of(map_capacity), "memory map");
}

static efi_status read_map(void)
{
    map_size = map_capacity;
    return uefi.bs->get_memory_map(&map_size, (struct efi_memory_descriptor *)map, &map_key,
                                   &descriptor_size, &descriptor_version);
}

/* The map in `map` as a clean list; entries are DescriptorSize apart,
 * which is larger than the struct on most firmware. */
static int clean_map(struct memmap *out)
{
    unsigned n = 0;
    for (uint64_t off = 0; off + descriptor_size <= map_size && n < MAX_DESCRIPTORS;
         off += descriptor_size) {
        const struct efi_memory_descriptor *d = (const void *)(map + off);
        raw[n++] = (struct raw_region){ d->physical_start, d->pages * PAGE_SIZE,
                                        free_after_exit(d->type) ? EFI_CONVENTIONAL_MEMORY
                                                                 : d->type };
    }
    if (map_size / descriptor_size > MAX_DESCRIPTORS)
        return -1;
    return memmap_sanitise_kinds(out, raw, n, kind_of);
}

/* Only conventional memory is free before the exit: the rest is in use. */
static uint32_t free_kind_of(uint32_t type)
{
    return type == EFI_CONVENTIONAL_MEMORY ? EMBEDBOOT_MEMORY_USABLE : EMBEDBOOT_MEMORY_RESERVED;
}

static int read_free_map(void)
{
    unsigned n = 0;
    for (uint64_t off = 0; off + descriptor_size <= map_size && n < MAX_DESCRIPTORS;
         off += descriptor_size) {
        const struct efi_memory_descriptor *d = (const void *)(map + off);
        raw[n++] = (struct raw_region){ d->physical_start, d->pages * PAGE_SIZE, d->type };
    }
    return memmap_sanitise_kinds(&free_map, raw, n, free_kind_of);
}

/* frames_claim_fn: the run the core picked, from the firmware. */
static int claim(void *ctx, uint64_t start, uint64_t pages)
{
    uint64_t address = start;
    (void)ctx;
    if (uefi.bs->allocate_pages(EFI_ALLOCATE_ADDRESS, EFI_LOADER_DATA, pages, &address) !=
        EFI_SUCCESS)
        return -1;
    record(address, pages);
    return 0;
}

void uefi_describe_memory(struct boot_machine *machine)
{
    allocate_map_buffer();
    if (read_map() != EFI_SUCCESS || clean_map(&firmware_map) || read_free_map())
        panic("cannot read the memory map (%llu descriptors)",
              (unsigned long long)(map_size / descriptor_size));
    machine->memory = &firmware_map;
    /* At the exit the map has our allocations too: a few descriptors more. */
    machine->memory_growth = MAP_SLACK;
    machine->efi.memmap_capacity = map_capacity;
    console_printf("embedboot: uefi: memory map: %llu descriptors of %llu bytes, %u regions\n",
                   (unsigned long long)(map_size / descriptor_size),
                   (unsigned long long)descriptor_size, firmware_map.count);
}

struct boot_free_memory uefi_free_memory(void)
{
    return (struct boot_free_memory){ &free_map, MiB, UINT64_MAX, 0, 0, claim, 0 };
}

/* The hand-off page (asm/handoff.asm) in a page of its own, identity-mapped
 * for the kernel: below 1 MiB if the firmware has room there, where no
 * kernel segment can be, else below 4 GiB. EfiLoaderCode: firmware with an
 * NX policy for data maps EfiLoaderData non-executable, and this runs. */
void uefi_copy_handoff(struct boot_machine *machine)
{
    extern const uint8_t handoff_start[], handoff_end[];
    uint64_t page = alloc_pages(1, EFI_LOADER_CODE, 0xfffff, "hand-off page");

    if (!page)
        page = alloc_pages(1, EFI_LOADER_CODE, 0xffffffff, "hand-off page");
    if (!page)
        panic("not enough memory below 4 GiB for the hand-off page");
    memcpy((void *)page, handoff_start, handoff_end - handoff_start);
    machine->handoff_start = page;
    machine->handoff_end = page + (handoff_end - handoff_start);
}

/* A page below 1 MiB for the other CPUs' trampoline (c/smp.h): the
 * STARTUP IPI names it by its page number. 0 if the firmware has none. */
uint64_t uefi_ap_trampoline_page(void)
{
    return alloc_pages(1, EFI_LOADER_CODE, 0xfffff, "AP trampoline");
}

/* ExitBootServices with the current map key; a stale key (the map changed
 * since GetMemoryMap) means: read the map again and retry. After the first
 * attempt only GetMemoryMap is allowed, so no more ConOut either. */
static void exit_boot_services(void)
{
    console_boot_services_gone();
    for (int attempt = 0; attempt < 8; attempt++) {
        if (read_map() != EFI_SUCCESS)
            panic("GetMemoryMap failed during ExitBootServices");
        if (uefi.bs->exit_boot_services(uefi.image, map_key) == EFI_SUCCESS) {
            uefi.bs = 0;
            console_printf("embedboot: uefi: boot services exited (attempt %d)\n", attempt + 1);
            return;
        }
    }
    panic("ExitBootServices failed 8 times");
}

static void describe_exit_map(struct memmap *final_map, struct boot_efi *efi)
{
    efi->memmap = (uint64_t)map;
    efi->memmap_size = map_size;
    efi->descriptor_size = descriptor_size;
    efi->descriptor_version = descriptor_version;
    if (clean_map(final_map))
        panic("boot info memory map overflow");
}

void uefi_exit_boot_services(struct memmap *final_map, struct boot_efi *efi)
{
    exit_boot_services();
    describe_exit_map(final_map, efi);
}

void uefi_memory_map_now(struct memmap *final_map, struct boot_efi *efi)
{
    if (read_map() != EFI_SUCCESS)
        panic("GetMemoryMap failed");
    console_printf("embedboot: uefi: boot services left running for the kernel\n");
    describe_exit_map(final_map, efi);
}
