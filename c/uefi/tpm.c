/* Measured boot on UEFI: EFI_TCG2_PROTOCOL's HashLogExtendEvent, which
 * hashes the data with every active PCR bank's algorithm, extends the PCR
 * and appends the event to the firmware's TCG2 event log (read through
 * GetEventLog before ExitBootServices; embedboot does not pass it on yet).
 * Before ExitBootServices. */
#include <string.h>

#include "../console.h"
#include "../measure.h"
#include "uefi.h"

#define EVENT_DESCRIPTION_MAX 96

static struct efi_tcg2_protocol *tcg2;

static int tpm_present(void)
{
    static const struct efi_guid guid = EFI_TCG2_PROTOCOL_GUID;
    struct efi_tcg2_capability cap = { .size = sizeof(cap) };
    if (uefi.bs->locate_protocol(&guid, 0, (void **)&tcg2) != EFI_SUCCESS) {
        console_printf("embedboot: uefi: tpm: none (no EFI_TCG2_PROTOCOL): nothing measured\n");
        return 0;
    }
    if (tcg2->get_capability(tcg2, &cap) != EFI_SUCCESS || !cap.tpm_present) {
        console_printf("embedboot: uefi: tpm: the firmware has EFI_TCG2_PROTOCOL but no TPM: "
                       "nothing measured\n");
        return 0;
    }
    return 1;
}

static int measure_event(void *ctx, unsigned pcr, const void *data, uint64_t size,
                         const char *description)
{
    static union {
        struct efi_tcg2_event event;
        uint8_t bytes[sizeof(struct efi_tcg2_event) + EVENT_DESCRIPTION_MAX];
    } e;
    (void)ctx;
    uint32_t n = (uint32_t)strlen(description);
    if (n > EVENT_DESCRIPTION_MAX)
        return -1;
    e.event = (struct efi_tcg2_event){
        .size = (uint32_t)sizeof(e.event) + n,
        .header = { sizeof(e.event.header), 1, pcr, TCG_EV_IPL },
    };
    memcpy(e.event.event, description, n);
    efi_status s = tcg2->hash_log_extend_event(tcg2, 0, (uint64_t)data, size, &e.event);
    if (s == EFI_SUCCESS)
        return 0;
    console_printf("embedboot: uefi: tpm: HashLogExtendEvent: EFI status 0x%llx\n",
                   (unsigned long long)s);
    return -1;
}

int uefi_measure_boot(const struct image_header *hdr, const struct boot_payloads *payloads)
{
    return tpm_present() && !boot_measure(hdr, payloads, measure_event, 0, "uefi");
}
