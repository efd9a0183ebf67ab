/* Measured boot on BIOS: the TCG BIOS interface (TCG PC Client Specific
 * Implementation Specification for Conventional BIOS), INT 1Ah AH=BBh,
 * which SeaBIOS implements for TPM 1.2 and 2.0. The firmware hashes the
 * data (SHA-1: on a TPM 2.0 it extends every bank with that digest,
 * zero-padded), extends the PCR and appends the event to its log (the ACPI
 * TCPA/TPM2 table's log area, which Linux reads). */
#include <string.h>

#include "../console.h"
#include "../measure.h"
#include "bios_call.h"
#include "tpm.h"

#define TCG_MAGIC                 0x41504354u   /* "TCPA", in EBX both ways */
#define TCG_STATUS_CHECK          0xbb00u
#define TCG_HASH_LOG_EXTEND_EVENT 0xbb01u
#define EVENT_DESCRIPTION_MAX     96

/* The short input parameter block of TCG_HashLogExtendEvent. */
struct tcg_hleei {
    uint16_t ipb_length;
    uint16_t reserved;
    uint32_t hash_data, hash_length;   /* flat addresses below 4 GiB */
    uint32_t pcr;
    uint32_t log_data, log_length;
} __attribute__((packed));

struct tcg_hleeo {
    uint16_t opb_length;
    uint16_t reserved;
    uint32_t event_number;
    uint8_t digest[20];
} __attribute__((packed));

/* TCG_PCClientPCREventStruc: the event as the firmware logs it. */
struct tcg_pcr_event {
    uint32_t pcr;
    uint32_t event_type;
    uint8_t digest[20];                /* the firmware fills it */
    uint32_t event_size;
    char event[EVENT_DESCRIPTION_MAX];
} __attribute__((packed));

_Static_assert(sizeof(struct tcg_hleei) == 24, "TCG hleei short layout");
_Static_assert(sizeof(struct tcg_hleeo) == 28, "TCG hleeo layout");

/* In stage 4's .bss, below 1 MiB: the real-mode call reaches them. */
static struct tcg_hleei input;
static struct tcg_hleeo output;
static struct tcg_pcr_event pcr_event;

static int tpm_present(void)
{
    struct bios_regs r = { .eax = TCG_STATUS_CHECK };
    bios_int1a(&r);
    return !(r.eflags & BIOS_CF) && r.eax == 0 && r.ebx == TCG_MAGIC;
}

static int measure_event(void *ctx, unsigned pcr, const void *data, uint64_t size,
                         const char *description)
{
    (void)ctx;
    uint32_t n = (uint32_t)strlen(description);
    if ((uintptr_t)data + size > 0x100000000ull || n > EVENT_DESCRIPTION_MAX)
        return -1;
    pcr_event = (struct tcg_pcr_event){ .pcr = pcr, .event_type = TCG_EV_IPL, .event_size = n };
    memcpy(pcr_event.event, description, n);
    input = (struct tcg_hleei){
        .ipb_length = sizeof(input),
        .hash_data = (uint32_t)(uintptr_t)data,
        .hash_length = (uint32_t)size,
        .pcr = pcr,
        .log_data = (uint32_t)(uintptr_t)&pcr_event,
        .log_length = (uint32_t)(offsetof(struct tcg_pcr_event, event) + n),
    };
    struct bios_regs r = {
        .eax = TCG_HASH_LOG_EXTEND_EVENT, .ebx = TCG_MAGIC,
        .es = real_segment(&input), .edi = real_offset(&input),
        .ds = real_segment(&output), .esi = real_offset(&output),
    };
    output.opb_length = sizeof(output);
    bios_int1a(&r);
    if (!(r.eflags & BIOS_CF) && r.eax == 0)
        return 0;
    /* 0x1a, TCG_TCG_COMMAND_ERROR, is what SeaBIOS up to 1.17 returns with
     * a TPM 2.0: its INT 1Ah sends a TPM 1.2 digest in TPM2_PCR_Extend. */
    console_printf("embedboot: stage 4: tpm: TCG_HashLogExtendEvent: status 0x%x%s%s\n", r.eax,
                   r.eflags & BIOS_CF ? ", carry set" : "",
                   r.eax == 0x1a ? " (the TPM refused the extend: SeaBIOS up to 1.17 cannot "
                                   "extend a TPM 2.0 through INT 1Ah; a TPM 1.2 works)" : "");
    return -1;
}

int bios_measure_boot(const struct image_header *hdr, const struct boot_payloads *payloads)
{
    if (!tpm_present()) {
        console_printf("embedboot: stage 4: tpm: none (no TCG BIOS interface with a TPM): "
                       "nothing measured\n");
        return 0;
    }
    return !boot_measure(hdr, payloads, measure_event, 0, "stage 4");
}
