/* The native protocol's modules (MODULES=): each copied into frames of its
 * own (kind module), then all mapped after each other, read-only and not
 * executable, from module-address when it is set (the core checked that
 * range against everything else), else in a free 512 GiB slot of the
 * kernel's address space. The boot info describes them
 * (c/proto/embedboot.c). */
#include <string.h>

#include "boot_build.h"
#include "console.h"
#include "page.h"
#include "vspace.h"

uint64_t boot_modules_pages(const struct boot_layout *layout)
{
    uint64_t pages = 0;
    for (unsigned i = 0; i < layout->hdr->module_count; i++)
        pages += pages_of(layout->hdr->module[i].size);
    return pages;
}

void boot_load_modules(struct boot_layout *layout, const struct boot_payloads *payloads,
                       struct vspace *vs)
{
    uint64_t virt;

    if (!payloads->module_count)
        return;
    virt = (layout->hdr->configured & CONFIG_MODULE_ADDRESS) ? layout->hdr->module_address
                                                              : vspace_take_slot(vs);
    if (!virt)
        panic("no free 512 GiB region of the address space for the modules");
    for (unsigned i = 0; i < payloads->module_count; i++) {
        const struct boot_module *m = &payloads->module[i];
        uint64_t pages = pages_of(m->size);
        if (!pages) {                       /* an empty file: nothing to map */
            layout->module_virt[i] = virt;
            continue;
        }
        uint64_t phys = boot_alloc(layout, pages, &frames_anywhere, EMBEDBOOT_MEMORY_MODULE,
                                   "module");
        memcpy((void *)phys, m->data, m->size);
        memset((uint8_t *)phys + m->size, 0, pages * PAGE_SIZE - m->size);
        boot_map(layout, "module", virt, phys, pages, 0);
        layout->module_phys[i] = phys;
        layout->module_virt[i] = virt;
        virt += pages * PAGE_SIZE;
    }
}
