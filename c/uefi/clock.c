/* The firmware's clock as one number, for KASLR without RDRAND
 * (c/random.h): GetTime's fields, nanoseconds included where the
 * firmware keeps them. */
#include <string.h>

#include "uefi.h"

uint64_t uefi_clock(void)
{
    struct efi_time t;
    uint64_t words[2];
    if (uefi.st->runtime_services->get_time(&t, 0) != EFI_SUCCESS)
        return 0;
    memcpy(words, &t, sizeof(words));             /* EFI_TIME is 16 bytes */
    return words[0] ^ words[1] * 0x9e3779b97f4a7c15ull;
}
