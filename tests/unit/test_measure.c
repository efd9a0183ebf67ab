/* The measurement plan (c/measure.c): what goes into which PCR, in which
 * order, under which description, and what happens when an extend fails. */
#include <stdint.h>
#include <stdlib.h>

#include "../../c/console.h"
#include "../../c/measure.h"
#include "unit.h"

static char console[4096];
void console_write(const char *s)
{
    strncat(console, s, sizeof(console) - strlen(console) - 1);
}
void console_stop(enum panic_kind kind)
{
    (void)kind;
    abort();
}

struct event {
    unsigned pcr;
    const void *data;
    uint64_t size;
    char what[96];
};
static struct event events[32];
static unsigned event_count, fail_at = 99;

static int record(void *ctx, unsigned pcr, const void *data, uint64_t size, const char *what)
{
    (void)ctx;
    if (event_count == fail_at)
        return -1;
    events[event_count] = (struct event){ pcr, data, size, "" };
    snprintf(events[event_count].what, sizeof(events[0].what), "%s", what);
    event_count++;
    return 0;
}

static struct image_header hdr;
static struct boot_payloads payloads;
static char strings[IMAGE_STRINGS_MAX] = "quiet\0args of 0\0\0";
static const uint8_t kernel[100], mod0[10], mod1[20];

static void setup(uint32_t protocol)
{
    memset(&hdr, 0, sizeof(hdr));
    memset(events, 0, sizeof(events));
    console[0] = 0;
    event_count = 0;
    hdr.protocol = protocol;
    hdr.cmdline_length = 5;
    hdr.module_count = 2;
    hdr.module[0] = (struct image_module){ .size = sizeof(mod0), .cmdline_offset = 6, .cmdline_length = 9 };
    hdr.module[1] = (struct image_module){ .size = sizeof(mod1), .cmdline_offset = 16 };
    payloads = (struct boot_payloads){ kernel, sizeof(kernel), strings, 2,
                                       { { mod0, sizeof(mod0) }, { mod1, sizeof(mod1) } }, 0 };
}

TEST(measure_native_order_pcrs_and_descriptions)
{
    setup(PROTOCOL_EMBEDBOOT);
    CHECK_EQ(boot_measure(&hdr, &payloads, record, 0, "stage 4"), 0);
    CHECK_EQ(event_count, 7);
    static const struct { unsigned pcr; const char *what; } want[] = {
        { 8, "embedboot kernel command line" }, { 8, "embedboot module 0 command line" },
        { 8, "embedboot module 1 command line" }, { 8, "embedboot configuration (image header)" },
        { 9, "embedboot kernel" }, { 9, "embedboot module 0" }, { 9, "embedboot module 1" },
    };
    for (unsigned i = 0; i < 7; i++) {
        CHECK_EQ(events[i].pcr, want[i].pcr);
        CHECK(strcmp(events[i].what, want[i].what) == 0);
    }
    CHECK(events[0].data == strings && events[0].size == 5);
    CHECK(events[1].data == strings + 6 && events[1].size == 9);
    CHECK(events[2].data == strings + 16 && events[2].size == 0);
    CHECK(events[3].data == &hdr && events[3].size == sizeof(hdr));
    CHECK(events[4].data == kernel && events[4].size == sizeof(kernel));
    CHECK(events[6].data == mod1 && events[6].size == sizeof(mod1));
    CHECK_STR_HAS(console, "embedboot: stage 4: tpm: PCR 9 <- embedboot kernel (100 bytes)\n");
}

TEST(measure_linux_has_an_initrd_and_no_module_command_lines)
{
    setup(PROTOCOL_LINUX);
    hdr.module_count = payloads.module_count = 1;
    CHECK_EQ(boot_measure(&hdr, &payloads, record, 0, "uefi"), 0);
    CHECK_EQ(event_count, 4);
    CHECK(strcmp(events[1].what, "embedboot configuration (image header)") == 0);
    CHECK(strcmp(events[3].what, "embedboot initrd") == 0 && events[3].pcr == 9);
}

TEST(measure_stops_at_the_first_failure_and_says_so)
{
    setup(PROTOCOL_EMBEDBOOT);
    fail_at = 4;
    CHECK_EQ(boot_measure(&hdr, &payloads, record, 0, "uefi"), -1);
    fail_at = 99;
    CHECK_EQ(event_count, 4);
    CHECK_STR_HAS(console, "embedboot: uefi: tpm: measuring 'embedboot kernel' into PCR 9 failed; "
                           "the boot goes on unmeasured");
}

UNIT_MAIN(measure, T(measure_native_order_pcrs_and_descriptions),
          T(measure_linux_has_an_initrd_and_no_module_command_lines),
          T(measure_stops_at_the_first_failure_and_says_so))
