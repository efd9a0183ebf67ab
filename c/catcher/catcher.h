/* The fault catcher: a small position-independent program (c/catcher/,
 * asm/catcher_entry.asm, linked on its own at 0 and embedded as a blob)
 * that the loader copies into frames of its own and maps in the kernel's
 * address space, with an IDT whose 32 exception gates lead into it. A
 * kernel that faults before it loads its own IDT gets a report on COM1
 * and the screen instead of a silent triple fault. The layouts the loader
 * and the catcher share are here. */
#ifndef CATCHER_H
#define CATCHER_H

#include <stdint.h>

#include "../../include/embedboot.h"

#define CATCHER_MAGIC          0x43464245u   /* "EBFC" */
#define CATCHER_CONFIG_MAGIC   0x4749464e4f434245ull
#define CATCHER_VECTORS        32
#define CATCHER_STUB_BYTES     16
#define CATCHER_STACK_PAGES    4             /* IST 1: the double fault's own stack */

/* At the blob's first byte (asm/catcher_entry.asm): offsets into it. */
struct catcher_header {
    uint32_t magic;
    uint32_t size;                     /* bytes of the blob */
    uint32_t stubs;                    /* CATCHER_VECTORS entry points, CATCHER_STUB_BYTES apart */
    uint32_t config;                   /* struct catcher_config, which the loader fills */
};

/* One function symbol of the kernel, sorted by address. */
struct catcher_symbol {
    uint64_t address;
    uint32_t size;
    uint32_t name;                     /* offset into the names */
};

/* What the catcher knows of the machine, in the kernel's address space. */
struct catcher_config {
    uint64_t magic;                    /* CATCHER_CONFIG_MAGIC once filled */
    uint64_t stack_bottom, stack_top;  /* the kernel stack; its guard page is just below */
    uint64_t symbols;                  /* struct catcher_symbol[symbol_count], or 0 */
    uint64_t symbol_count;
    uint64_t names;                    /* NUL-terminated names */
    struct embedboot_framebuffer fb;   /* virtual address; text cells, or none */
};

/* What the entry stubs push, lowest address first: the registers the
 * common path saved, the vector, the error code (0 where the CPU pushes
 * none), then the CPU's own interrupt frame. */
struct fault_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

#endif
