# Stage 4: freestanding 64-bit C linked at low addresses (identity-mapped),
# no SSE (the loader never enables it), no red zone, no runtime library.
STAGE4_CFLAGS := -m64 -std=gnu11 -Os -g -Wall -Wextra -Werror \
    -ffreestanding -nostdlib -fno-builtin-printf -mno-red-zone -mgeneral-regs-only \
    -fno-pic -fno-pie -mcmodel=small -fno-stack-protector -fcf-protection=none \
    -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-ident \
    -ffunction-sections -fdata-sections --param=min-pagesize=0 -fno-delete-null-pointer-checks

# The fault catcher (c/catcher/): position-independent, everything reached
# PC-relative (hidden visibility), no SSE, no red zone (it runs on the
# faulting kernel's stack).
CATCHER_CFLAGS := -m64 -std=gnu11 -Os -Wall -Wextra -Werror \
    -ffreestanding -nostdlib -fno-builtin-printf -mno-red-zone -mgeneral-regs-only \
    -fpie -fvisibility=hidden -fno-stack-protector -fcf-protection=none \
    -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-ident --param=min-pagesize=0 \
    -fno-jump-tables
