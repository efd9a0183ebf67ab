/* Checks of the configuration in the image header, shared by the host
 * (embed/mkheader.c, with the sizes it can know) and stage 4 (with the real
 * ones): addresses page-aligned and canonical, regions clear of each other,
 * of the kernel's segments and of the first MiB the loader keeps. */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "elf_check.h"
#include "image_header.h"
#include "kernel_place.h"

enum config_key {
    KEY_NONE,
    KEY_STACK_ADDRESS,
    KEY_STACK_SIZE,
    KEY_PHYSICAL_MEMORY_OFFSET,
    KEY_BOOT_INFO_ADDRESS,
    KEY_MODULE_ADDRESS,
    KEY_KERNEL_BASE,
    KEY_KASLR_RANGE_START,
    KEY_KASLR_RANGE_SIZE,
    KEY_FRAMEBUFFER,
    KEY_KASLR,                  /* the feature, for its messages: not a key of the table */
    KEY_COUNT                   /* not a key: how many there are */
};

/* The Rust crate's name for a key ("kernel-stack-address"). */
const char *config_key_name(enum config_key key);

struct config_sizes {
    uint64_t physical_memory;   /* bytes mapped at the offset */
    uint64_t boot_info;         /* bytes mapped at the boot-info address */
    uint64_t modules;           /* bytes the modules take, each page-rounded */
};

/* A region the configuration fixes (the stack with its guard page, the
 * physical-memory window, the boot info, the modules), with its key. */
struct config_region {
    enum config_key key;
    const char *what;
    uint64_t start, size;
};
#define CONFIG_REGIONS_MAX 4

/* The configured regions with these sizes; returns how many. */
unsigned config_regions(const struct image_header *hdr, const struct config_sizes *sizes,
                        struct config_region r[CONFIG_REGIONS_MAX]);

/* 0, or -1 with the key at fault and a message in why. */
int config_check(const struct image_header *hdr, const struct load_plan *plan,
                 const struct config_sizes *sizes, enum config_key *key, char *why, size_t n);

/* A relocatable kernel's candidate bases: the fixed base, or the kaslr
 * range, clear of the identity-mapped first 512 GiB and of every region
 * the configuration fixes. */
void config_kernel_place(const struct image_header *hdr, const struct load_plan *plan,
                         const struct config_sizes *sizes, struct kernel_place *place);

#endif
