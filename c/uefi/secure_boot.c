/* Secure Boot. The firmware checked this application's signature before
 * running it; the payloads it reads from outside the signed file (the disk
 * blob, \kernel.elf) are checked here against the SHA-256 digests signed
 * into it, so the chain of trust reaches the kernel. */
#include <string.h>

#include "../console.h"
#include "../fmt.h"
#include "../sha256.h"
#include "uefi.h"

extern const struct payload_digests _payload_digests;    /* $(KDIR)/digests.o, or none */

int uefi_secure_boot(void)
{
    static const struct efi_guid global = EFI_GLOBAL_VARIABLE_GUID;
    uint8_t on = 0;
    uint64_t size = sizeof(on);
    if (uefi.st->runtime_services->get_variable(u"SecureBoot", &global, 0, &size, &on) !=
        EFI_SUCCESS || size != sizeof(on))
        return 0;
    return on == 1;
}

static void check_digest(const char *what, const void *data, uint64_t size,
                         const uint8_t want[SHA256_BYTES])
{
    uint8_t got[SHA256_BYTES];
    sha256(data, size, got);
    if (memcmp(got, want, SHA256_BYTES) != 0)
        panic("Secure Boot: %s does not match the SHA-256 digest signed into this "
              "application; it was changed after signing, and is refused", what);
}

void uefi_check_digests(const struct boot_payloads *payloads, const struct image_header *hdr,
                        int kernel_from_file)
{
    const struct payload_digests *d = &_payload_digests;
    if (d->magic != PAYLOAD_DIGESTS_MAGIC)
        panic("Secure Boot: this application carries no signed digests of the image header "
              "and payloads it reads from the disk (the image was built without SIGN_KEY and "
              "SIGN_CERT), so it cannot vouch for them; refused: build with SIGN_KEY and "
              "SIGN_CERT");
    if (d->module_count != hdr->module_count)
        panic("Secure Boot: this application's payload digests do not match its header; "
              "rebuild the image");
    if (kernel_from_file)
        check_digest("\\kernel.elf on the ESP (KERNEL_ON_ESP: with Secure Boot on, only "
                     "the signed kernel may replace the embedded one)",
                     payloads->kernel, payloads->kernel_size, d->kernel);
    if (uefi_payloads_signed)          /* inside the signed file: the signature covered them */
        return;
    console_printf("embedboot: uefi: Secure Boot is on: checking the payloads against their "
                   "signed SHA-256 digests\n");
    if (!kernel_from_file)
        check_digest("the kernel on the disk", payloads->kernel, payloads->kernel_size,
                     d->kernel);
    for (unsigned i = 0; i < payloads->module_count; i++) {
        char what[40];
        fmt_format(what, sizeof(what), hdr->protocol == PROTOCOL_LINUX ? "the initrd on the disk"
                                                                       : "module %u on the disk", i);
        check_digest(what, payloads->module[i].data, payloads->module[i].size, d->module[i]);
    }
    check_digest("the command lines on the disk", payloads->strings, IMAGE_STRINGS_MAX,
                 d->strings);
}
