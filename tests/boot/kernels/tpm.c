/* The TPM kernel: says whether the loader measured the boot (the boot info
 * flag) and reads PCRs 8 and 9 back from the TPM itself, through its TIS
 * registers (locality 0 at 0xFED40000, reached through the physical-memory
 * window: FEATURES=map_physical_memory), as TPM 2.0 (SHA-256 bank) or TPM
 * 1.2 (SHA-1). The test compares them with what it computes on the host
 * from the payloads. */
#include <stdint.h>

#include "embedboot.h"
#include "kio.h"

#define TIS_BASE         0xfed40000ull
#define TIS_ACCESS       0x00
#define TIS_STS          0x18
#define TIS_FIFO         0x24
#define TIS_DID_VID      0xf00          /* device and vendor ID: 0 or all ones without a TPM */
#define ACCESS_VALID     0x80
#define ACCESS_ACTIVE    0x20
#define ACCESS_REQUEST   0x02
#define STS_VALID        0x80
#define STS_READY        0x40
#define STS_GO           0x20
#define STS_AVAIL        0x10

static volatile uint8_t *tis;

static int wait_for(unsigned reg, uint8_t bits)
{
    for (long i = 0; i < 50000000; i++)
        if ((tis[reg] & bits) == bits)
            return 0;
    return -1;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One command through the FIFO; the response's length, or -1. */
static int transact(const uint8_t *cmd, unsigned n, uint8_t *rsp, unsigned room)
{
    tis[TIS_ACCESS] = ACCESS_REQUEST;
    if (wait_for(TIS_ACCESS, ACCESS_VALID | ACCESS_ACTIVE))
        return -1;
    tis[TIS_STS] = STS_READY;
    if (wait_for(TIS_STS, STS_READY))
        return -1;
    for (unsigned i = 0; i < n; i++)
        tis[TIS_FIFO] = cmd[i];
    if (wait_for(TIS_STS, STS_VALID))
        return -1;
    tis[TIS_STS] = STS_GO;
    if (wait_for(TIS_STS, STS_VALID | STS_AVAIL))
        return -1;
    unsigned got = 0, want = 10;
    while (got < want && got < room && (tis[TIS_STS] & STS_AVAIL)) {
        rsp[got++] = tis[TIS_FIFO];
        if (got == 6)
            want = be32(rsp + 2);
    }
    tis[TIS_STS] = STS_READY;
    tis[TIS_ACCESS] = ACCESS_ACTIVE;            /* give the locality back */
    return got == want ? (int)got : -1;
}

static void print_digest(unsigned pcr, const char *bank, const uint8_t *d, unsigned n)
{
    kprintf("tpm kernel: PCR %u %s ", pcr, bank);
    for (unsigned i = 0; i < n; i++)
        kprintf("%02x", d[i]);
    kprintf("\n");
}

/* TPM2_PCR_Read of PCRs 8 and 9 in the SHA-256 bank; 0, or -1 if the TPM
 * is not a TPM 2.0. */
static int read_tpm2(void)
{
    static const uint8_t cmd[] = { 0x80, 0x01, 0, 0, 0, 20, 0, 0, 0x01, 0x7e,
                                   0, 0, 0, 1, 0x00, 0x0b, 3, 0x00, 0x03, 0x00 };
    uint8_t r[128];
    int n = transact(cmd, sizeof(cmd), r, sizeof(r));
    if (n < 96 || r[0] != 0x80 || be32(r + 6) != 0 || be32(r + 24) != 2)
        return -1;
    print_digest(8, "sha256", r + 30, 32);
    print_digest(9, "sha256", r + 64, 32);
    return 0;
}

/* TPM_PCRRead (TPM 1.2) of one PCR. */
static int read_tpm12(unsigned pcr)
{
    const uint8_t cmd[] = { 0x00, 0xc1, 0, 0, 0, 14, 0, 0, 0, 0x15, 0, 0, 0, (uint8_t)pcr };
    uint8_t r[64];
    int n = transact(cmd, sizeof(cmd), r, sizeof(r));
    if (n != 30 || be32(r + 6) != 0)
        return -1;
    print_digest(pcr, "sha1", r + 10, 20);
    return 0;
}

void kmain(const struct embedboot_boot_info *info)
{
    kio_init(info);
    kprintf("tpm kernel: measured %s\n", info->flags & EMBEDBOOT_TPM_MEASURED ? "yes" : "no");
    if (!(info->flags & EMBEDBOOT_HAS_PHYSICAL_MEMORY_MAP)) {
        kprintf("tpm kernel: no physical-memory window: build with FEATURES=map_physical_memory\n");
        qemu_exit(QEMU_EXIT_FAILURE);
    }
    tis = (volatile uint8_t *)(info->physical_memory_offset + TIS_BASE);
    uint32_t id = *(volatile uint32_t *)(tis + TIS_DID_VID);
    if (id == 0 || id == 0xffffffffu) {
        kprintf("tpm kernel: no TPM at 0x%llx\n", TIS_BASE);
        qemu_exit(QEMU_EXIT_SUCCESS);
    }
    if (read_tpm2() && (read_tpm12(8) || read_tpm12(9))) {
        kprintf("tpm kernel: the TPM did not answer PCR reads\n");
        qemu_exit(QEMU_EXIT_FAILURE);
    }
    kprintf("tpm kernel: done\n");
    qemu_exit(QEMU_EXIT_SUCCESS);
}
