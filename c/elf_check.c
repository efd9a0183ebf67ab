/* Kernel ELF validation and load plan, shared by the host build check and
 * stage 4. Nothing here trusts the file: every offset and size is checked
 * against the buffer before it is used, with overflow in mind. */
#include "elf_check.h"

#include "fmt.h"

int elf_fail(struct elf_result *r, enum elf_error e, unsigned index, uint64_t value)
{
    r->error = e;
    r->index = index;
    r->value = value;
    return -1;
}

static int check_header(const struct elf64_ehdr *eh, uint64_t size, struct elf_result *r)
{
    if (size > KERNEL_MAX_SIZE)
        return elf_fail(r, ELF_TOO_LARGE, 0, size);
    if (size < 4 || eh->e_ident[0] != 0x7f || eh->e_ident[1] != 'E' ||
        eh->e_ident[2] != 'L' || eh->e_ident[3] != 'F')
        return elf_fail(r, ELF_NOT_ELF, 0, 0);
    if (size < sizeof(*eh))
        return elf_fail(r, ELF_TRUNCATED, 0, size);
    if (eh->e_ident[EI_CLASS] != ELFCLASS64)
        return elf_fail(r, ELF_CLASS32, 0, eh->e_ident[EI_CLASS]);
    if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
        return elf_fail(r, ELF_BIG_ENDIAN, 0, eh->e_ident[EI_DATA]);
    if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
        return elf_fail(r, ELF_BAD_VERSION, 0, eh->e_version);
    if (eh->e_machine != EM_X86_64)
        return elf_fail(r, ELF_NOT_X86_64, 0, eh->e_machine);
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
        return elf_fail(r, ELF_BAD_TYPE, 0, eh->e_type);
    if (eh->e_phnum > ELF_MAX_PHDRS)
        return elf_fail(r, ELF_TOO_MANY_PHDRS, 0, eh->e_phnum);
    if (eh->e_phnum == 0)
        return elf_fail(r, ELF_NO_LOAD, 0, 0);
    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return elf_fail(r, ELF_BAD_PHENTSIZE, 0, eh->e_phentsize);
    uint64_t table = (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr);
    if (eh->e_phoff > size || table > size - eh->e_phoff || eh->e_phoff % 8)
        return elf_fail(r, ELF_PHDRS_OUTSIDE, 0, eh->e_phoff);
    return 0;
}

static int check_segment(const struct elf64_phdr *ph, unsigned i, uint64_t size,
                         int relocatable, struct elf_result *r)
{
    if (ph->p_filesz > ph->p_memsz)
        return elf_fail(r, ELF_SEG_FILESZ, i, ph->p_filesz);
    if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
        return elf_fail(r, ELF_SEG_PAST_EOF, i, ph->p_offset);
    if (ph->p_vaddr + ph->p_memsz < ph->p_vaddr)
        return elf_fail(r, ELF_SEG_WRAPS, i, ph->p_vaddr);
    uint64_t last = ph->p_vaddr + ph->p_memsz - 1;
    if (!is_canonical(ph->p_vaddr) || !is_canonical(last) ||
        (ph->p_vaddr >> 47) != (last >> 47))
        return elf_fail(r, ELF_SEG_NONCANONICAL, i, ph->p_vaddr);
    if (ph->p_vaddr < KERNEL_MIN_VADDR && !relocatable)   /* a relocatable one moves */
        return elf_fail(r, ELF_SEG_LOW, i, ph->p_vaddr);
    return 0;
}

/* Insert by vaddr, keeping seg[] sorted; refuse overlapping byte ranges. */
static int add_segment(struct load_plan *p, const struct elf64_phdr *ph, unsigned i,
                       struct elf_result *r)
{
    unsigned k = p->count++;
    for (; k > 0 && p->seg[k - 1].vaddr > ph->p_vaddr; k--)
        p->seg[k] = p->seg[k - 1];
    struct load_segment *s = &p->seg[k];
    *s = (struct load_segment){ .vaddr = ph->p_vaddr, .memsz = ph->p_memsz,
                                .offset = ph->p_offset, .filesz = ph->p_filesz,
                                .flags = ph->p_flags, .phdr = i };
    const struct load_segment *before = k > 0 ? s - 1 : 0;
    const struct load_segment *after = k + 1 < p->count ? s + 1 : 0;
    if (before && before->vaddr + before->memsz > s->vaddr) {
        r->other = before->phdr;
        return elf_fail(r, ELF_SEG_OVERLAP, i, s->vaddr);
    }
    if (after && s->vaddr + s->memsz > after->vaddr) {
        r->other = after->phdr;
        return elf_fail(r, ELF_SEG_OVERLAP, i, s->vaddr);
    }
    return 0;
}

/* Give each segment its page numbers; a page two segments share is counted
 * once (its permissions are the union, see stage 4). */
static void number_pages(struct load_plan *p)
{
    uint64_t pages = 0, prev_last = 0;

    for (unsigned k = 0; k < p->count; k++) {
        struct load_segment *s = &p->seg[k];
        uint64_t first = s->vaddr / PAGE_SIZE;
        uint64_t last = (s->vaddr + s->memsz - 1) / PAGE_SIZE;
        if (k > 0 && first == prev_last) {
            s->first_page = pages - 1;
            pages += last - first;
        } else {
            s->first_page = pages;
            pages += last - first + 1;
        }
        prev_last = last;
    }
    p->pages = pages;
    p->vstart = p->seg[0].vaddr;
    p->vend = p->seg[p->count - 1].vaddr + p->seg[p->count - 1].memsz;
}

static int entry_is_executable(const struct load_plan *p)
{
    for (unsigned k = 0; k < p->count; k++) {
        const struct load_segment *s = &p->seg[k];
        if ((s->flags & PF_X) && p->entry >= s->vaddr && p->entry - s->vaddr < s->memsz)
            return 1;
    }
    return 0;
}

int elf_load_plan(const void *image, uint64_t size, struct load_plan *plan,
                  struct elf_result *r)
{
    const struct elf64_ehdr *eh = image;

    r->error = ELF_OK;
    r->index = r->other = 0;
    r->value = r->where = 0;
    r->name[0] = 0;
    plan->count = 0;
    plan->has_tls = 0;
    plan->align = PAGE_SIZE;
    plan->relocs = (struct elf_relocs){ 0 };
    if (check_header(eh, size, r))
        return -1;
    plan->entry = eh->e_entry;
    plan->relocatable = eh->e_type == ET_DYN;
    unsigned dynamic = eh->e_phnum;           /* none */

    const struct elf64_phdr *ph = (const void *)((const uint8_t *)image + eh->e_phoff);
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_TLS) {
            if (plan->has_tls)
                return elf_fail(r, ELF_MULTIPLE_TLS, i, 0);
            plan->has_tls = 1;
            plan->tls = ph[i];
        }
        if (ph[i].p_type == PT_DYNAMIC)
            dynamic = i;
        if (ph[i].p_type != PT_LOAD)
            continue;
        if (check_segment(&ph[i], i, size, plan->relocatable, r))
            return -1;
        if (ph[i].p_align > plan->align)
            plan->align = ph[i].p_align;
        if (ph[i].p_memsz == 0)     /* empty segment: nothing to load */
            continue;
        if (add_segment(plan, &ph[i], i, r))
            return -1;
    }
    if (plan->count == 0)
        return elf_fail(r, ELF_NO_LOAD, 0, 0);
    number_pages(plan);
    if (!entry_is_executable(plan))
        return elf_fail(r, ELF_ENTRY_NOT_EXEC, 0, plan->entry);
    if (plan->relocatable && (plan->align & (plan->align - 1)))
        return elf_fail(r, ELF_BAD_ALIGN, 0, plan->align);
    if (plan->relocatable && dynamic < eh->e_phnum)
        return elf_reloc_check(image, size, &ph[dynamic], dynamic, plan, r);
    return 0;
}

const struct load_segment *load_plan_segment(const struct load_plan *plan, uint64_t vaddr,
                                             uint64_t bytes)
{
    for (unsigned k = 0; k < plan->count; k++) {
        const struct load_segment *s = &plan->seg[k];
        if (vaddr >= s->vaddr && vaddr - s->vaddr < s->memsz && bytes <= s->memsz - (vaddr - s->vaddr))
            return s;
    }
    return 0;
}

uint64_t load_plan_phys(const struct load_segment *s, uint64_t base, uint64_t vaddr)
{
    uint64_t page = s->first_page + (vaddr / PAGE_SIZE - s->vaddr / PAGE_SIZE);
    return base + page * PAGE_SIZE + vaddr % PAGE_SIZE;
}

uint64_t load_plan_in_place_offset(const struct load_plan *plan)
{
    uint64_t offset = LOAD_NOT_IN_PLACE;

    if (plan->relocatable)
        return LOAD_NOT_IN_PLACE;
    for (unsigned k = 0; k < plan->count; k++) {
        const struct load_segment *s = &plan->seg[k];
        if (!s->filesz)
            continue;                                /* BSS only: any frames do */
        /* Where the frames would start for this segment's data to be in place. */
        uint64_t in_frames = s->first_page * PAGE_SIZE + s->vaddr % PAGE_SIZE;
        if (s->offset < in_frames || (s->offset - in_frames) % PAGE_SIZE)
            return LOAD_NOT_IN_PLACE;
        if (offset != LOAD_NOT_IN_PLACE && offset != s->offset - in_frames)
            return LOAD_NOT_IN_PLACE;
        offset = s->offset - in_frames;
    }
    return offset;
}

void elf_error_message(const struct elf_result *r, char *buf, size_t n)
{
    unsigned i = r->index;
    uint64_t v = r->value;

    switch (r->error) {
    case ELF_OK:
        fmt_format(buf, n, "valid kernel");
        break;
    case ELF_TOO_LARGE:
        fmt_format(buf, n, "kernel is %llu bytes, more than the %llu-byte limit",
                   (unsigned long long)v, (unsigned long long)KERNEL_MAX_SIZE);
        break;
    case ELF_TRUNCATED:
        fmt_format(buf, n, "truncated ELF file: %llu bytes, shorter than the ELF header",
                   (unsigned long long)v);
        break;
    case ELF_NOT_ELF:
        fmt_format(buf, n, "not an ELF file (no \\x7fELF magic)");
        break;
    case ELF_CLASS32:
        fmt_format(buf, n, "32-bit ELF (ELFCLASS32): embedboot loads 64-bit (ELF64) kernels");
        break;
    case ELF_BIG_ENDIAN:
        fmt_format(buf, n, "big-endian ELF: an x86-64 kernel must be little-endian");
        break;
    case ELF_BAD_VERSION:
        fmt_format(buf, n, "unsupported ELF version %llu", (unsigned long long)v);
        break;
    case ELF_NOT_X86_64:
        fmt_format(buf, n, "not an x86-64 ELF (e_machine %llu, expected 62)",
                   (unsigned long long)v);
        break;
    case ELF_BAD_TYPE:
        fmt_format(buf, n, "ELF type %llu is not an executable: link the kernel as "
                   "ET_EXEC or ET_DYN", (unsigned long long)v);
        break;
    case ELF_BAD_PHENTSIZE:
        fmt_format(buf, n, "program header size %llu, expected 56", (unsigned long long)v);
        break;
    case ELF_TOO_MANY_PHDRS:
        fmt_format(buf, n, "%llu program headers, more than the %u allowed",
                   (unsigned long long)v, ELF_MAX_PHDRS);
        break;
    case ELF_PHDRS_OUTSIDE:
        fmt_format(buf, n, "program header table at offset 0x%llx lies outside the file",
                   (unsigned long long)v);
        break;
    case ELF_NO_LOAD:
        fmt_format(buf, n, "no loadable segment (PT_LOAD) with data");
        break;
    case ELF_SEG_PAST_EOF:
        fmt_format(buf, n, "program header %u: segment data extends past the end of the file", i);
        break;
    case ELF_SEG_FILESZ:
        fmt_format(buf, n, "program header %u: p_filesz is larger than p_memsz", i);
        break;
    case ELF_SEG_WRAPS:
        fmt_format(buf, n, "program header %u: address range 0x%llx + p_memsz wraps around",
                   i, (unsigned long long)v);
        break;
    case ELF_SEG_NONCANONICAL:
        fmt_format(buf, n, "program header %u: non-canonical address range starting at 0x%llx",
                   i, (unsigned long long)v);
        break;
    case ELF_SEG_LOW:
        fmt_format(buf, n, "program header %u: segment at 0x%llx is below 1 MiB, which "
                   "the loader keeps for itself", i, (unsigned long long)v);
        break;
    case ELF_SEG_OVERLAP:
        fmt_format(buf, n, "program headers %u and %u: segments overlap", r->other, i);
        break;
    case ELF_ENTRY_NOT_EXEC:
        fmt_format(buf, n, "entry point 0x%llx is not inside an executable segment",
                   (unsigned long long)v);
        break;
    case ELF_MULTIPLE_TLS:
        fmt_format(buf, n, "program header %u: more than one PT_TLS segment", i);
        break;
    default:
        elf_reloc_message(r, buf, n);
        break;
    }
}
