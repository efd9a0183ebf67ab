/* The manifest parser, the crate's keys and rules, and the shared config
 * checks. */
#include <stdint.h>
#include <stdlib.h>

#include "../../c/config.h"
#include "../../embed/manifest.h"
#include "../../embed/toml.h"
#include "unit.h"

static struct toml_doc doc;
static char err[512];

/* The build links this file with -Wl,--wrap=strdup: the parser's strdup
 * calls come here, and fail when strdup_fails_at counts down to 1. */
static int strdup_fails_at, strdup_calls;
char *__real_strdup(const char *s);
char *__wrap_strdup(const char *s)
{
    strdup_calls++;
    if (strdup_fails_at && --strdup_fails_at == 0)
        return NULL;
    return __real_strdup(s);
}

static int parse(const char *text)
{
    toml_free(&doc);
    return toml_parse(text, strlen(text), &doc, err, sizeof(err));
}

/* blog_os's Cargo.toml, shape for shape, with our keys added. */
static const char *cargo =
    "[package]\n"
    "name = \"blog_os\"   # a comment\n"
    "version = \"0.1.0\"\n"
    "authors = [\"Philipp Oppermann <dev@phil-opp.com>\"]\n"
    "edition = \"2018\"\n"
    "\n"
    "[[test]]\n"
    "name = \"should_panic\"\n"
    "harness = false\n"
    "\n"
    "[[test]]\n"
    "name = \"stack_overflow\"\n"
    "harness = false\n"
    "\n"
    "[dependencies]\n"
    "bootloader = { version = \"0.9\", features = [\"map_physical_memory\", \"sse\"]}\n"
    "x86_64 = \"0.14.2\"\n"
    "\n"
    "[dependencies.lazy_static]\n"
    "version = \"1.0\"\n"
    "features = [\"spin_no_std\"]\n"
    "\n"
    "[package.metadata.bootimage]\n"
    "test-args = [\n"
    "    \"-device\", \"isa-debug-exit,iobase=0xf4,iosize=0x04\", \"-serial\", \"stdio\",\n"
    "    \"-display\", \"none\",   # trailing comma and comment\n"
    "]\n"
    "test-success-exit-code = 33         # (0x10 << 1) | 1\n"
    "test-timeout = 300\n"
    "\n"
    "[package.metadata.bootloader]\n"
    "kernel-stack-address = \"0xFFFFFF8000000000\"\n"
    "kernel-stack-size = 128\n"
    "physical-memory-offset = \"0xFFFF800000000000\"\n"
    "boot-info-address = '0xFFFFFFFF80000000'\n";

TEST(toml_parses_a_real_cargo_manifest)
{
    CHECK_EQ(parse(cargo), 0);
    const struct toml_entry *e = toml_get(&doc, "dependencies.bootloader.features");
    CHECK(e && e->type == TOML_ARRAY && e->nitems == 2 && !strcmp(e->items[1], "sse"));
    e = toml_get(&doc, "test[1].name");
    CHECK(e && !strcmp(e->string, "stack_overflow"));
    e = toml_get(&doc, "package.metadata.bootimage.test-args");
    CHECK(e && e->nitems == 6);
    e = toml_get(&doc, "package.metadata.bootloader.kernel-stack-size");
    CHECK(e && e->type == TOML_INTEGER && e->integer == 128);
    e = toml_get(&doc, "test[0].harness");
    CHECK(e && e->type == TOML_BOOL && e->boolean == 0);
}

TEST(toml_values)
{
    CHECK_EQ(parse("a = 0x_ff\nb = 1_000\nc = -5\nd = 0b101\ne = 0o17\n"
                   "f = \"tab\\tquote\\\" \\u00e9\"\ng.h.\"i j\" = true\nk = {l = {m = 1}}\n"), 0);
    CHECK_EQ(toml_get(&doc, "a")->integer, 255);
    CHECK_EQ(toml_get(&doc, "b")->integer, 1000);
    CHECK_EQ(toml_get(&doc, "c")->integer, (uint64_t)-5);
    CHECK_EQ(toml_get(&doc, "d")->integer, 5);
    CHECK_EQ(toml_get(&doc, "e")->integer, 15);
    CHECK(!strcmp(toml_get(&doc, "f")->string, "tab\tquote\" \xc3\xa9"));
    CHECK(toml_get(&doc, "g.h.i j")->boolean);
    CHECK_EQ(toml_get(&doc, "k.l.m")->integer, 1);
}

TEST(toml_refuses_what_it_does_not_understand)
{
    static const struct { const char *text, *message; } bad[] = {
        { "a = 1.5\n", "line 1: '1.5': floats and dates are not supported" },
        { "a = 1979-05-27\n", "floats and dates are not supported" },
        { "x = 1\na = \"\"\"multi\nline\"\"\"\n", "line 2: multi-line strings are not supported" },
        { "a = [1, 2]\n", "only arrays of strings are supported" },
        { "a = 1\na = 2\n", "line 2: duplicate key 'a' (first on line 1)" },
        { "[t]\na = 1\n[t]\nb = 2\n", "line 3: table [t] defined twice" },
        { "a = 1\na.b = 2\n", "is both a value and a table" },
        { "a = \"unterminated\n", "unterminated string" },
        { "a = \"bad \\q escape\"\n", "unknown escape" },
        { "a = 1 2\n", "unexpected '2' after the value" },
        { "= 1\n", "expected a key" },
        { "a 1\n", "expected '=' after 'a'" },
        { "a = nope\n", "unsupported value for 'a'" },
        { "[t\n", "expected ']' after the table name" },
        { "a = { b = 1\n", "expected ',' or '}' in an inline table" },
        { "a = 99999999999999999999\n", "is not an integer TOML understands" },
        { "a = inf\n", "floats and dates are not supported" },
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = parse(bad[i].text);
        if (rc == 0 || !strstr(err, bad[i].message)) {
            fprintf(stderr, "    case %u: rc %d, '%s'\n", i, rc, err);
            unit_failed = 1;
        }
    }
}

TEST(toml_survives_every_truncation)
{
    size_t n = strlen(cargo);
    for (size_t cut = 0; cut < n; cut++) {
        toml_free(&doc);
        toml_parse(cargo, cut, &doc, err, sizeof(err));     /* no crash, no leak */
    }
}

static struct settings s;

static const char *write_manifest(const char *text)
{
    static char path[] = "build/tests/unit/manifest.toml";
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

TEST(manifest_cargo_keys_and_features)
{
    settings_init(&s);
    CHECK_EQ(settings_from_manifest(&s, write_manifest(cargo), err, sizeof(err)), 0);
    CHECK_EQ(s.h.kernel_stack_pages, 128);
    CHECK_EQ(s.h.kernel_stack_address, 0xffffff8000000000ull);
    CHECK_EQ(s.h.physical_memory_offset, 0xffff800000000000ull);
    CHECK_EQ(s.h.boot_info_address, 0xffffffff80000000ull);
    CHECK_EQ(s.h.configured, CONFIG_STACK_ADDRESS | CONFIG_PHYSICAL_MEMORY_OFFSET |
                             CONFIG_BOOT_INFO_ADDRESS);
    CHECK_EQ(s.h.features, FEATURE_MAP_PHYSICAL_MEMORY | FEATURE_SSE);
}

TEST(manifest_dependency_table_form_and_plain_file)
{
    settings_init(&s);
    CHECK_EQ(settings_from_manifest(&s, write_manifest(
        "[package]\nname = \"k\"\n[dependencies.bootloader]\nversion = \"0.9\"\n"
        "features = [\"recursive_page_table\"]\n"), err, sizeof(err)), 0);
    CHECK_EQ(s.h.features, FEATURE_RECURSIVE_PAGE_TABLE);
    settings_init(&s);
    CHECK_EQ(settings_from_manifest(&s, write_manifest(
        "kernel-stack-size = 16\nboot-info-address = \"4398046511104\"\nfeatures = [\"vga_320x200\"]\n"),
        err, sizeof(err)), 0);
    CHECK_EQ(s.h.kernel_stack_pages, 16);
    CHECK_EQ(s.h.boot_info_address, 0x40000000000ull);
    CHECK_EQ(s.h.features, FEATURE_VGA_320X200);
}

TEST(manifest_errors_name_the_key_and_file)
{
    static const struct { const char *text, *message; } bad[] = {
        { "kernel-stack-address = 0xFFFFFF8000000000\n",
          "kernel-stack-address: 0xFFFFFF8000000000 does not fit a TOML integer; addresses are "
          "quoted strings, write \"0xFFFFFF8000000000\"" },
        { "boot-info-address = 0x100000000\n",
          "boot-info-address: addresses are quoted strings, write \"0x100000000\"" },
        { "kernel-stack-size = \"128\"\n", "kernel-stack-size: give a number of 4 KiB pages, unquoted" },
        { "kernel-stack-size = 0\n", "kernel-stack-size: 0 is not a stack size" },
        { "boot-info-address = \"0xZZ\"\n", "boot-info-address: \"0xZZ\" is not a number" },
        { "kernel-stack-adress = \"0x1000\"\n", "kernel-stack-adress: unknown key on line 1" },
        { "features = [\"turbo\"]\n", "unknown feature 'turbo'" },
        { "[package]\nname = \"k\"\n[package.metadata.bootloader]\nstack = 1\n",
          "manifest.toml: stack: unknown key on line 4" },
        { "kernel-stack-size = 1\nkernel-stack-size = 2\n", "duplicate key 'kernel-stack-size'" },
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        settings_init(&s);
        int rc = settings_from_manifest(&s, write_manifest(bad[i].text), err, sizeof(err));
        if (rc == 0 || !strstr(err, bad[i].message) || !strstr(err, "manifest.toml")) {
            fprintf(stderr, "    case %u: rc %d, '%s'\n", i, rc, err);
            unit_failed = 1;
        }
    }
}

TEST(make_variables_override_the_manifest)
{
    settings_init(&s);
    CHECK_EQ(settings_from_manifest(&s, write_manifest(cargo), err, sizeof(err)), 0);
    CHECK_EQ(settings_from_variable(&s, "kernel-stack-size", "KERNEL_STACK_SIZE", "16", err,
                                    sizeof(err)), 0);
    CHECK_EQ(settings_from_variable(&s, "features", "FEATURES", "sse recursive_page_table", err,
                                    sizeof(err)), 0);
    CHECK_EQ(s.h.kernel_stack_pages, 16);
    CHECK_EQ(s.h.features, FEATURE_SSE | FEATURE_RECURSIVE_PAGE_TABLE);
    CHECK(!strcmp(s.source[KEY_STACK_SIZE], "KERNEL_STACK_SIZE=16"));
    CHECK_EQ(settings_from_variable(&s, "kernel-stack-address", "KERNEL_STACK_ADDRESS", "12x",
                                    err, sizeof(err)), -1);
    CHECK_STR_HAS(err, "KERNEL_STACK_ADDRESS=12x: \"12x\" is not a number");
}

/* A variable for a key the crate does not have is refused, not taken for
 * another key. */
TEST(make_variable_with_an_unknown_key_is_refused)
{
    settings_init(&s);
    CHECK_EQ(settings_from_variable(&s, "kernel-stack-adress", "KERNEL_STACK_ADRESS",
                                    "0x10000000000", err, sizeof(err)), -1);
    CHECK_STR_HAS(err, "unknown setting 'kernel-stack-adress'");
    CHECK_EQ(s.h.configured, 0);
    CHECK_EQ(s.h.boot_info_address, 0);
}

/* Each key remembers where its value came from, the last key too: the
 * table is sized by KEY_COUNT (a fixed size once fell one row short when
 * module-address was added). */
TEST(every_key_records_its_source)
{
    settings_init(&s);
    CHECK_EQ(settings_from_variable(&s, "framebuffer", "FRAMEBUFFER", "800x600", err,
                                    sizeof(err)), 0);
    CHECK_STR_HAS(s.source[KEY_FRAMEBUFFER], "FRAMEBUFFER=800x600");
    CHECK_EQ(settings_from_variable(&s, "module-address", "MODULE_ADDRESS", "0x100000000000",
                                    err, sizeof(err)), 0);
    CHECK_STR_HAS(s.source[KEY_MODULE_ADDRESS], "MODULE_ADDRESS=0x100000000000");
    CHECK_EQ(s.h.module_address, 0x100000000000ull);
    CHECK(s.h.configured & CONFIG_MODULE_ADDRESS);
}

/* Every strdup the parser and the settings make may fail: each failure
 * is an "out of memory" error, never a crash or a half-built document. */
TEST(every_strdup_failure_is_an_error)
{
    strdup_calls = 0;
    CHECK_EQ(parse(cargo), 0);
    int calls = strdup_calls;
    CHECK(calls > 10);
    for (int i = 1; i <= calls; i++) {
        strdup_fails_at = i;
        CHECK_EQ(parse(cargo), -1);
        CHECK_STR_HAS(err, "out of memory");
    }
    strdup_fails_at = 1;
    settings_init(&s);
    CHECK_EQ(settings_from_variable(&s, "features", "FEATURES", "sse", err, sizeof(err)), -1);
    CHECK_STR_HAS(err, "out of memory");
    strdup_fails_at = 0;
    toml_free(&doc);
}

/* config_check, against a kernel at -2 GiB. */
static struct load_plan plan;
static struct image_header h;
static enum config_key key;

static uint64_t module_bytes;

static int check(void)
{
    struct config_sizes sizes = { 4ull << 30, 4096, module_bytes };
    return config_check(&h, &plan, &sizes, &key, err, sizeof(err));
}

static void reset_config(void)
{
    memset(&h, 0, sizeof(h));
    h.kernel_stack_pages = 512;
    plan = (struct load_plan){ .count = 1, .align = 0x1000, .vstart = 0xffffffff80000000ull,
                               .vend = 0xffffffff80010000ull };
    plan.seg[0] = (struct load_segment){ .vaddr = 0xffffffff80000000ull, .memsz = 0x10000 };
}

TEST(config_check_rules)
{
    reset_config();
    CHECK_EQ(check(), 0);
    h.configured = CONFIG_STACK_ADDRESS;
    h.kernel_stack_address = 0xffffff8000000000ull;
    CHECK_EQ(check(), 0);
    h.kernel_stack_address = 0xffffff8000000800ull;
    CHECK_EQ(check(), -1);
    CHECK_EQ(key, KEY_STACK_ADDRESS);
    CHECK_STR_HAS(err, "is not page-aligned");
    h.kernel_stack_address = 0x0000800000000000ull;
    CHECK_EQ(check(), -1);
    CHECK_STR_HAS(err, "not a canonical address range");
    h.kernel_stack_address = 0x00007ffffffff000ull;       /* runs into the hole */
    CHECK_EQ(check(), -1);
    CHECK_STR_HAS(err, "not a canonical address range");
    h.kernel_stack_address = 0x1000;
    CHECK_EQ(check(), -1);
    CHECK_STR_HAS(err, "below 1 MiB");
    h.kernel_stack_address = 0xffffffff7ffff000ull;       /* stack runs into the kernel */
    CHECK_EQ(check(), -1);
    CHECK_STR_HAS(err, "overlaps the kernel's segments");

    reset_config();
    h.configured = CONFIG_PHYSICAL_MEMORY_OFFSET;
    h.physical_memory_offset = 0xffff800000000000ull;
    CHECK_EQ(check(), -1);
    CHECK_EQ(key, KEY_PHYSICAL_MEMORY_OFFSET);
    CHECK_STR_HAS(err, "map_physical_memory feature is not enabled");
    h.features = FEATURE_MAP_PHYSICAL_MEMORY;
    CHECK_EQ(check(), 0);
    h.configured |= CONFIG_BOOT_INFO_ADDRESS;
    h.boot_info_address = 0xffff800000200000ull;          /* inside the physical map */
    CHECK_EQ(check(), -1);
    CHECK_EQ(key, KEY_BOOT_INFO_ADDRESS);
    CHECK_STR_HAS(err, "overlaps the physical memory mapping (physical-memory-offset)");
}

TEST(module_address_rules)
{
    reset_config();
    h.configured = CONFIG_MODULE_ADDRESS;
    h.module_address = 0x0000100000000000ull;
    module_bytes = 0;
    CHECK_EQ(check(), -1);                                 /* nothing to map there */
    CHECK_EQ(key, KEY_MODULE_ADDRESS);
    CHECK_STR_HAS(err, "no module has any bytes to map");
    module_bytes = 3 * 4096;
    CHECK_EQ(check(), 0);
    h.module_address = 0xffffffff7fffe000ull;              /* its third page is the kernel's */
    CHECK_EQ(check(), -1);
    CHECK_STR_HAS(err, "overlaps the kernel's segments");
    h.module_address = 0x0000100000000100ull;
    CHECK_EQ(check(), -1);
    CHECK_STR_HAS(err, "is not page-aligned");
    h.module_address = 0x0000100000000000ull;
    h.configured |= CONFIG_BOOT_INFO_ADDRESS;
    h.boot_info_address = 0x0000100000002000ull;          /* the modules' last page */
    CHECK_EQ(check(), -1);
    CHECK_EQ(key, KEY_MODULE_ADDRESS);
    CHECK_STR_HAS(err, "overlaps the boot info (boot-info-address)");
    module_bytes = 0;
}

/* A relocatable kernel of 0x10000 bytes linked at 0, as mkheader and the
 * core see it: settings that need one, the fixed base, the KASLR range. */
static void relocatable(void)
{
    reset_config();
    plan.relocatable = 1;
    plan.align = 0x1000;
    plan.seg[0].vaddr = 0;
    plan.vstart = 0;
    plan.vend = 0x10000;
    h.kernel_base = DEFAULT_KERNEL_BASE;
    h.kaslr_start = DEFAULT_KASLR_START;
    h.kaslr_size = DEFAULT_KASLR_SIZE;
}

TEST(relocation_rules)
{
    relocatable();
    CHECK_EQ(check(), 0);
    h.features = FEATURE_KASLR;
    CHECK_EQ(check(), 0);
    h.configured = CONFIG_KERNEL_BASE;
    CHECK_EQ(check(), -1);
    CHECK_EQ(key, KEY_KERNEL_BASE);
    CHECK_STR_HAS(err, "conflicts with the kaslr feature");
    h.configured = CONFIG_KASLR_RANGE;
    h.kaslr_size = 0x8000;                                 /* smaller than the kernel */
    CHECK_EQ(check(), -1);
    CHECK_EQ(key, KEY_KASLR_RANGE_START);
    CHECK_STR_HAS(err, "no room for the kernel (0x10000 bytes, aligned to 0x1000)");
    h.kaslr_size = 0;
    CHECK_EQ(check(), -1);
    CHECK_EQ(key, KEY_KASLR_RANGE_SIZE);
    h.kaslr_start = 0x0000800000000000ull;
    h.kaslr_size = 0x100000;
    CHECK_EQ(check(), -1);
    CHECK_STR_HAS(err, "not a canonical address range");
    h.kaslr_start = 0x100000;                              /* all of it in the identity slot */
    CHECK_EQ(check(), -1);
    CHECK_STR_HAS(err, "no room for the kernel");
    h.features = 0;
    CHECK_EQ(check(), -1);
    CHECK_EQ(key, KEY_KASLR_RANGE_START);
    CHECK_STR_HAS(err, "is set but the kaslr feature is not enabled");

    relocatable();
    h.configured = CONFIG_KERNEL_BASE;
    h.kernel_base = 0xffff900000000800ull;
    CHECK_EQ(check(), -1);
    CHECK_STR_HAS(err, "is not page-aligned");
    plan.align = 0x200000;
    h.kernel_base = 0xffff900000001000ull;
    CHECK_EQ(check(), -1);
    CHECK_STR_HAS(err, "not a multiple of the kernel's segment alignment, 0x200000");
    h.kernel_base = 0xffff900000200000ull;
    CHECK_EQ(check(), 0);
    h.configured |= CONFIG_STACK_ADDRESS;                  /* the stack where the kernel goes */
    h.kernel_stack_address = 0xffff900000200000ull;
    CHECK_EQ(check(), -1);
    CHECK_EQ(key, KEY_KERNEL_BASE);
    h.features = FEATURE_KASLR;                            /* kaslr goes around it */
    h.configured = CONFIG_STACK_ADDRESS | CONFIG_KASLR_RANGE;
    h.kaslr_start = 0xffff900000000000ull;
    h.kaslr_size = 0x800000;
    CHECK_EQ(check(), 0);
    struct config_sizes sizes = { 4ull << 30, 4096, 0 };
    struct kernel_place place;
    config_kernel_place(&h, &plan, &sizes, &place);
    CHECK_EQ(kernel_place_choices(&place), 4 - 2);         /* 2 MiB steps; two meet the stack */

    reset_config();                                        /* linked to run at -2 GiB */
    h.features = FEATURE_KASLR;
    CHECK_EQ(check(), -1);
    CHECK_EQ(key, KEY_KASLR);
    CHECK_STR_HAS(err, "needs a relocatable kernel (ET_DYN)");
    h.features = 0;
    h.configured = CONFIG_KERNEL_BASE;
    CHECK_EQ(check(), -1);
    CHECK_STR_HAS(err, "applies to a relocatable (ET_DYN) kernel");
}

UNIT_MAIN(config, T(toml_parses_a_real_cargo_manifest), T(toml_values),
          T(toml_refuses_what_it_does_not_understand), T(toml_survives_every_truncation),
          T(manifest_cargo_keys_and_features), T(manifest_dependency_table_form_and_plain_file),
          T(manifest_errors_name_the_key_and_file), T(make_variables_override_the_manifest),
          T(make_variable_with_an_unknown_key_is_refused), T(every_strdup_failure_is_an_error),
          T(every_key_records_its_source), T(config_check_rules), T(module_address_rules),
          T(relocation_rules))
