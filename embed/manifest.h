/* The kernel's configuration from a manifest (a Cargo.toml or a plain TOML
 * file) and from make variables, with the Rust bootloader crate's rules. */
#ifndef MANIFEST_H
#define MANIFEST_H

#include <stddef.h>

#include "../c/config.h"
#include "../c/image_header.h"

struct settings {
    struct image_header h;          /* features, configured, addresses, stack pages */
    char source[KEY_COUNT][256];    /* per enum config_key: where the value came from */
    char bootloader_dependency[64]; /* a Cargo.toml's bootloader version requirement, or "" */
    char bootloader_where[300];     /* "FILE: dependencies.bootloader (line N)" */
};

void settings_init(struct settings *s);

/* Apply a manifest. 0, or -1 with "FILE: key: reason" in err. */
int settings_from_manifest(struct settings *s, const char *path, char *err, size_t n);

/* Apply one make variable (VAR=value), which overrides the manifest.
 * key is the crate's key name, or "features". 0 or -1 with a message. */
int settings_from_variable(struct settings *s, const char *key, const char *var,
                           const char *value, char *err, size_t n);

/* Which boot info an ELF kernel gets, into s->h.boot_info_format:
 * BOOT_INFO= ("embedboot" or "bootloader-0.9"; NULL when not given), else
 * the crate v0.9's for a Cargo.toml that depends on bootloader 0.9. A
 * dependency on another version of the crate is refused unless
 * BOOT_INFO=embedboot says the kernel reads embedboot's. 0 or -1. */
int settings_boot_info(struct settings *s, const char *value, char *err, size_t n);

/* Whether a Cargo version requirement selects bootloader 0.9.x. */
int version_is_0_9(const char *requirement);

/* Parse a crate-style address string: "0x..." hex or decimal. 0 or -1. */
int parse_address(const char *text, unsigned long long *out);

#endif
