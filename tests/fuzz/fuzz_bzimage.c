/* libFuzzer: the bzImage checks must refuse or accept any input without
 * crashing, and what they accept must be consistent: a setup part and a
 * kernel inside the file, a header end inside the setup part. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../c/bzimage.h"
#include "../../c/kernel_kind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bzimage info;
    struct bzimage_result r;
    char text[300];

    if (kernel_kind_of(data, size) == KIND_UNKNOWN)
        kernel_kind_refusal(data, size, text, sizeof(text));
    if (bzimage_check(data, size, size % 4096, &info, &r) == 0) {
        if (info.setup_bytes + info.kernel_bytes != size || info.setup_bytes > 65 * 512 ||
            info.header_end > 0x202 + 255 || !(info.hdr.xloadflags & XLF_KERNEL_64) ||
            info.hdr.version < LINUX_MIN_PROTOCOL || size % 4096 > info.hdr.cmdline_size)
            __builtin_trap();
    }
    bzimage_error_message(&r, text, sizeof(text));
    return 0;
}
