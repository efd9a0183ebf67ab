# Bundled kernels (example and test kernels): freestanding x86-64 C, the way
# a kernel developer would build one for embedboot. No SSE: embedboot leaves
# CR4.OSFXSR clear unless the `sse` feature is on.
KERNEL_CFLAGS := -m64 -std=gnu11 -O2 -g -Wall -Wextra -Werror \
    -ffreestanding -nostdlib -static -mno-red-zone -mgeneral-regs-only \
    -fno-pic -fno-pie -no-pie -mcmodel=kernel -fno-stack-protector -fcf-protection=none \
    -fno-asynchronous-unwind-tables --param=min-pagesize=0 -Iinclude -Ic -Ic/bios -Iexample-kernel
KERNEL_LDFLAGS := -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack
KERNEL_LIB_SRCS := example-kernel/kio.c c/fmt.c c/serial.c c/bios/textcon.c c/crc32.c
