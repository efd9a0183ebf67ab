#include "manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readfile.h"
#include "toml.h"

static const struct {
    const char *name;
    unsigned bit;
} features[] = {
    { "map_physical_memory", FEATURE_MAP_PHYSICAL_MEMORY },
    { "recursive_page_table", FEATURE_RECURSIVE_PAGE_TABLE },
    { "sse", FEATURE_SSE },
    { "vga_320x200", FEATURE_VGA_320X200 },
    { "kaslr", FEATURE_KASLR },
    { "smp", FEATURE_SMP },
};

void settings_init(struct settings *s)
{
    memset(s, 0, sizeof(*s));
    s->h.kernel_stack_pages = DEFAULT_STACK_PAGES;
    s->h.kernel_base = DEFAULT_KERNEL_BASE;
    s->h.kaslr_start = DEFAULT_KASLR_START;
    s->h.kaslr_size = DEFAULT_KASLR_SIZE;
}

int parse_address(const char *text, unsigned long long *out)
{
    int hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    const char *digits = text + (hex ? 2 : 0);
    char *stop;
    if (!*digits || strspn(digits, hex ? "0123456789abcdefABCDEF" : "0123456789") != strlen(digits))
        return -1;
    errno = 0;
    *out = strtoull(digits, &stop, hex ? 16 : 10);
    return errno ? -1 : 0;
}

static int feature_bit(const char *name)
{
    for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
        if (!strcmp(features[i].name, name))
            return (int)features[i].bit;
    return -1;
}

static const char *known_features(void)
{
    return "map_physical_memory, recursive_page_table, sse, vga_320x200, kaslr, smp";
}

/* One address key given as a string. */
static int set_address(struct settings *s, enum config_key key, const char *text,
                       const char *where, char *err, size_t n)
{
    unsigned long long v;
    if (parse_address(text, &v)) {
        snprintf(err, n, "%s: \"%s\" is not a number (hex with 0x, or decimal)", where, text);
        return -1;
    }
    if (key == KEY_STACK_ADDRESS) {
        s->h.kernel_stack_address = v;
        s->h.configured |= CONFIG_STACK_ADDRESS;
    } else if (key == KEY_PHYSICAL_MEMORY_OFFSET) {
        s->h.physical_memory_offset = v;
        s->h.configured |= CONFIG_PHYSICAL_MEMORY_OFFSET;
    } else if (key == KEY_BOOT_INFO_ADDRESS) {
        s->h.boot_info_address = v;
        s->h.configured |= CONFIG_BOOT_INFO_ADDRESS;
    } else if (key == KEY_KERNEL_BASE) {
        s->h.kernel_base = v;
        s->h.configured |= CONFIG_KERNEL_BASE;
    } else if (key == KEY_KASLR_RANGE_START) {
        s->h.kaslr_start = v;
        s->h.configured |= CONFIG_KASLR_RANGE;
    } else if (key == KEY_KASLR_RANGE_SIZE) {
        s->h.kaslr_size = v;
        s->h.configured |= CONFIG_KASLR_RANGE;
    } else {
        s->h.module_address = v;
        s->h.configured |= CONFIG_MODULE_ADDRESS;
    }
    snprintf(s->source[key], sizeof(s->source[key]), "%s", where);
    return 0;
}

static int set_stack_size(struct settings *s, long long pages, const char *where, char *err, size_t n)
{
    if (pages <= 0 || pages > 0x100000) {
        snprintf(err, n, "%s: %lld is not a stack size (a number of 4 KiB pages, 1 to 1048576)",
                 where, pages);
        return -1;
    }
    s->h.kernel_stack_pages = (uint32_t)pages;
    snprintf(s->source[KEY_STACK_SIZE], sizeof(s->source[KEY_STACK_SIZE]), "%s", where);
    return 0;
}

static int set_features(struct settings *s, char *const *names, unsigned count, const char *where,
                        char *err, size_t n)
{
    s->h.features = 0;
    for (unsigned i = 0; i < count; i++) {
        int bit = feature_bit(names[i]);
        if (bit < 0) {
            snprintf(err, n, "%s: unknown feature '%s' (known: %s)", where, names[i], known_features());
            return -1;
        }
        s->h.features |= (unsigned)bit;
        if (bit == FEATURE_KASLR)
            snprintf(s->source[KEY_KASLR], sizeof(s->source[KEY_KASLR]), "%s", where);
    }
    return 0;
}

static enum config_key key_of(const char *name)
{
    for (enum config_key k = KEY_STACK_ADDRESS; k <= KEY_FRAMEBUFFER; k++)
        if (!strcmp(config_key_name(k), name))
            return k;
    return KEY_NONE;
}

/* "WIDTHxHEIGHT", each 1..16384. */
static int set_framebuffer(struct settings *s, const char *text, const char *where, char *err,
                           size_t n)
{
    unsigned long w, h;
    char *x, *end;
    w = strtoul(text, &x, 10);
    if (x == text || (*x != 'x' && *x != 'X') || (h = strtoul(x + 1, &end, 10), end == x + 1) ||
        *end || w < 1 || h < 1 || w > 16384 || h > 16384) {
        snprintf(err, n, "%s: \"%s\" is not a size like \"1024x768\"", where, text);
        return -1;
    }
    s->h.framebuffer_width = (uint32_t)w;
    s->h.framebuffer_height = (uint32_t)h;
    snprintf(s->source[KEY_FRAMEBUFFER], sizeof(s->source[KEY_FRAMEBUFFER]), "%s", where);
    return 0;
}

/* A key of the bootloader table. */
static int apply_key(struct settings *s, const char *path, const struct toml_entry *e,
                     const char *name, char *err, size_t n)
{
    char where[160];
    snprintf(where, sizeof(where), "%s: %s", path, name);
    enum config_key key = key_of(name);
    if (key == KEY_NONE) {
        snprintf(err, n, "%s: unknown key on line %u (known: kernel-stack-address, "
                 "kernel-stack-size, physical-memory-offset, boot-info-address, module-address, "
                 "kernel-base, kaslr-range-start, kaslr-range-size, framebuffer)",
                 where, e->line);
        return -1;
    }
    if (key == KEY_FRAMEBUFFER) {
        if (e->type != TOML_STRING) {
            snprintf(err, n, "%s: give the size as a quoted string, e.g. \"1024x768\" (line %u)",
                     where, e->line);
            return -1;
        }
        return set_framebuffer(s, e->string, where, err, n);
    }
    if (key == KEY_STACK_SIZE) {
        if (e->type != TOML_INTEGER) {
            snprintf(err, n, "%s: give a number of 4 KiB pages, unquoted (line %u)", where, e->line);
            return -1;
        }
        return set_stack_size(s, e->integer, where, err, n);
    }
    if (e->type == TOML_INTEGER) {
        snprintf(err, n, "%s: addresses are quoted strings, write \"0x%llx\" (line %u)", where,
                 (unsigned long long)e->integer, e->line);
        return -1;
    }
    if (e->type != TOML_STRING) {
        snprintf(err, n, "%s: expected a quoted address (line %u)", where, e->line);
        return -1;
    }
    return set_address(s, key, e->string, where, err, n);
}

static int starts_with(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

int settings_from_manifest(struct settings *s, const char *path, char *err, size_t n)
{
    size_t size;
    char *why, perr[300];
    char *text = read_file(path, &size, &why);
    if (!text) {
        snprintf(err, n, "%s: %s", path, why);
        return -1;
    }
    struct toml_doc doc;
    int rc = toml_parse(text, size, &doc, perr, sizeof(perr));
    free(text);
    if (rc) {
        snprintf(err, n, "%s: %s", path, perr);
        toml_free(&doc);
        return -1;
    }
    /* A Cargo.toml has [package]; its settings live under
     * [package.metadata.bootloader] and its features on the bootloader
     * dependency (or on embedboot's own crate, rust/embedboot, which
     * declares the same features). A plain file has both at the top
     * level. */
    int cargo = 0;
    for (unsigned i = 0; i < doc.count; i++)
        cargo |= starts_with(doc.entry[i].key, "package.");
    const char *table = cargo ? "package.metadata.bootloader." : "";
    const char *feature_key = cargo ? "dependencies.bootloader.features" : "features";
    rc = 0;
    for (unsigned i = 0; i < doc.count && !rc; i++) {
        const struct toml_entry *e = &doc.entry[i];
        if (!strcmp(e->key, feature_key) ||
            (cargo && !strcmp(e->key, "dependencies.embedboot.features"))) {
            char where[200];
            snprintf(where, sizeof(where), "%s: %s (line %u)", path, e->key, e->line);
            if (e->type != TOML_ARRAY) {
                snprintf(err, n, "%s: expected an array of feature names", where);
                rc = -1;
            } else {
                rc = set_features(s, e->items, e->nitems, where, err, n);
            }
        } else if (cargo && e->type == TOML_STRING && (!strcmp(e->key, "dependencies.bootloader") ||
                                    !strcmp(e->key, "dependencies.bootloader.version"))) {
            snprintf(s->bootloader_dependency, sizeof(s->bootloader_dependency), "%s", e->string);
            snprintf(s->bootloader_where, sizeof(s->bootloader_where), "%s: %s (line %u)", path,
                     e->key, e->line);
        } else if (starts_with(e->key, table) && (cargo || !strchr(e->key, '.'))) {
            rc = apply_key(s, path, e, e->key + strlen(table), err, n);
        } else if (!cargo) {
            snprintf(err, n, "%s: %s: unknown key on line %u", path, e->key, e->line);
            rc = -1;
        }
    }
    toml_free(&doc);
    return rc;
}

int settings_from_variable(struct settings *s, const char *key, const char *var,
                           const char *value, char *err, size_t n)
{
    char where[200];
    snprintf(where, sizeof(where), "%s=%s", var, value);
    if (!strcmp(key, "features")) {
        char *copy = strdup(value), *names[16], *save = NULL;
        unsigned count = 0;
        if (!copy) {
            snprintf(err, n, "%s: out of memory", where);
            return -1;
        }
        for (char *t = strtok_r(copy, " ,", &save); t; t = strtok_r(NULL, " ,", &save)) {
            if (count == 16) {
                snprintf(err, n, "%s: too many features", where);
                free(copy);
                return -1;
            }
            names[count++] = t;
        }
        int rc = set_features(s, names, count, where, err, n);
        free(copy);
        return rc;
    }
    enum config_key k = key_of(key);
    if (k == KEY_NONE) {
        snprintf(err, n, "%s: unknown setting '%s'", where, key);
        return -1;
    }
    if (k == KEY_FRAMEBUFFER)
        return set_framebuffer(s, value, where, err, n);
    if (k == KEY_STACK_SIZE) {
        char *stop;
        long long pages = strtoll(value, &stop, 0);
        if (*stop || !*value) {
            snprintf(err, n, "%s: not a number of pages", where);
            return -1;
        }
        return set_stack_size(s, pages, where, err, n);
    }
    return set_address(s, k, value, where, err, n);
}

int version_is_0_9(const char *requirement)
{
    const char *v = requirement + strspn(requirement, " ");
    if (*v == '^' || *v == '=' || *v == '~')
        v += 1 + strspn(v + 1, " ");
    return !strncmp(v, "0.9", 3) && (v[3] == '\0' || v[3] == '.' || v[3] == ' ' || v[3] == ',');
}

int settings_boot_info(struct settings *s, const char *value, char *err, size_t n)
{
    const char *dep = s->bootloader_dependency;
    if (value && strcmp(value, "embedboot") && strcmp(value, "bootloader-0.9")) {
        snprintf(err, n, "BOOT_INFO=%s: unknown boot info (known: embedboot, bootloader-0.9)",
                 value);
        return -1;
    }
    if (dep[0] && !version_is_0_9(dep) && !(value && !strcmp(value, "embedboot"))) {
        snprintf(err, n, "%s: bootloader \"%s\"%s: embedboot gives the boot info of bootloader "
                 "0.9 only; kernels for v0.10 and v0.11 (bootloader_api) are not supported",
                 s->bootloader_where, dep, value ? " conflicts with BOOT_INFO=bootloader-0.9" : "");
        return -1;
    }
    s->h.boot_info_format = (value ? !strcmp(value, "bootloader-0.9") : dep[0] != 0)
                                ? BOOT_INFO_BOOTLOADER_0_9
                                : BOOT_INFO_EMBEDBOOT;
    return 0;
}
