#include "kernel_load.h"

#include <string.h>

static uint8_t *at(const struct pt_env *env, uint64_t phys)
{
    return env->phys_to_ptr(env->ctx, phys);
}

/* Zero the kernel bytes [from, to) of segment s (same page run). */
static void zero(const struct pt_env *env, const struct load_segment *s, uint64_t base,
                 uint64_t from, uint64_t to)
{
    if (from < to)
        memset(at(env, load_plan_phys(s, base, from)), 0, to - from);
}

static enum pt_error load_segment(const struct load_plan *plan, unsigned k, const uint8_t *image,
                                  uint64_t base, const struct pt_env *env, uint64_t pml4)
{
    const struct load_segment *s = &plan->seg[k];
    const struct load_segment *prev = k > 0 ? s - 1 : 0, *next = k + 1 < plan->count ? s + 1 : 0;
    uint64_t page = s->vaddr & ~(PAGE_SIZE - 1);
    uint64_t end = s->vaddr + s->memsz;
    uint64_t page_end = page_up(end);

    /* The head of the first page, unless the previous segment owns it. */
    uint64_t head = prev && prev->vaddr + prev->memsz > page ? prev->vaddr + prev->memsz : page;
    zero(env, s, base, head, s->vaddr);
    uint8_t *to = at(env, load_plan_phys(s, base, s->vaddr));
    if (to != image + s->offset)                    /* else loaded in place: already there */
        memcpy(to, image + s->offset, s->filesz);
    zero(env, s, base, s->vaddr + s->filesz, end);                   /* BSS */
    /* The tail of the last page, up to the next segment if it shares it. */
    zero(env, s, base, end, next && next->vaddr < page_end ? next->vaddr : page_end);

    unsigned flags = ((s->flags & PF_W) ? PT_WRITE : 0) | ((s->flags & PF_X) ? PT_EXEC : 0);
    return pt_map_range(env, pml4, page, load_plan_phys(s, base, page),
                        (page_end - page) / PAGE_SIZE, flags);
}

enum pt_error kernel_load(const struct load_plan *plan, const uint8_t *image, uint64_t base,
                          const struct pt_env *env, uint64_t pml4)
{
    for (unsigned k = 0; k < plan->count; k++) {
        enum pt_error err = load_segment(plan, k, image, base, env, pml4);
        if (err)
            return err;
    }
    return PT_OK;
}

void kernel_relocate(const struct load_plan *plan, const uint8_t *image, uint64_t base,
                     const struct pt_env *env, uint64_t slide)
{
    for (uint64_t i = 0; i < elf_reloc_count(plan); i++) {
        struct elf64_rela e = elf_reloc_entry(image, plan, i);
        if ((e.r_info & 0xffffffff) == R_X86_64_NONE)
            continue;
        uint64_t target = e.r_offset + slide;         /* inside a segment: checked */
        uint64_t value = elf_reloc_value(image, plan, &e, slide);
        memcpy(at(env, load_plan_phys(load_plan_segment(plan, target, 8), base, target)), &value,
               sizeof(value));
    }
}
