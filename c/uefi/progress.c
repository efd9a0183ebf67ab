/* A long read's progress (uefi.h): as stage 2 shows it on BIOS, nothing
 * for the first second, then the percentage redrawn in place at most twice
 * a second. A firmware timer event keeps the time, so a fast read (64 MiB
 * over virtio-blk takes 0.02-0.2 s under QEMU) prints nothing and pays one
 * CheckEvent a chunk: each line through ConOut costs 1-2 ms, which the
 * size-based display this replaces spent eight times on such a read. */
#include "../console.h"
#include "uefi.h"

#define QUIET_100NS   10000000ull        /* 1 s */
#define BETWEEN_100NS  5000000ull        /* 0.5 s */

static void arm(struct uefi_progress *p, uint64_t delay)
{
    if (p->timer && uefi.bs->set_timer(p->timer, EFI_TIMER_RELATIVE, delay) != EFI_SUCCESS) {
        uefi.bs->close_event(p->timer);
        p->timer = 0;                     /* no timer: no progress, the load goes on */
    }
}

void uefi_progress_start(struct uefi_progress *p, const char *what, uint64_t total)
{
    *p = (struct uefi_progress){ .what = what, .total = total };
    if (uefi.bs->create_event(EFI_EVT_TIMER, 0, 0, 0, &p->timer) != EFI_SUCCESS)
        p->timer = 0;
    arm(p, QUIET_100NS);
}

static void show(const struct uefi_progress *p)
{
    uint64_t done = p->done < p->total ? p->done : p->total;   /* reads round up to blocks */
    console_printf("\rembedboot: uefi: %s: %llu %%", p->what,
                   (unsigned long long)(p->total ? done * 100 / p->total : 100));
}

void uefi_progress_add(struct uefi_progress *p, uint64_t bytes)
{
    p->done += bytes;
    if (!p->timer || uefi.bs->check_event(p->timer) != EFI_SUCCESS)
        return;
    show(p);
    p->shown = 1;
    arm(p, BETWEEN_100NS);
}

void uefi_progress_break(const struct uefi_progress *p)
{
    if (p && p->shown)
        console_printf("\n");
}

void uefi_progress_end(struct uefi_progress *p)
{
    if (p->shown) {                       /* the line ends at 100 % */
        p->done = p->total;
        show(p);
        console_printf("\n");
    }
    if (p->timer)
        uefi.bs->close_event(p->timer);
    p->timer = 0;
}
