/* The kernel's configuration from a manifest (a Cargo.toml or a plain TOML
 * file) and from make variables, with the Rust bootloader crate's rules. */
#ifndef MANIFEST_H
#define MANIFEST_H

#include <stddef.h>

#include "../c/config.h"
#include "../c/image_header.h"

struct settings {
    struct image_header h;          /* features, configured, addresses, stack pages */
    char source[6][256];            /* per enum config_key: where the value came from */
};

void settings_init(struct settings *s);

/* Apply a manifest. 0, or -1 with "FILE: key: reason" in err. */
int settings_from_manifest(struct settings *s, const char *path, char *err, size_t n);

/* Apply one make variable (VAR=value), which overrides the manifest.
 * key is the crate's key name, or "features". 0 or -1 with a message. */
int settings_from_variable(struct settings *s, const char *key, const char *var,
                           const char *value, char *err, size_t n);

/* Parse a crate-style address string: "0x..." hex or decimal. 0 or -1. */
int parse_address(const char *text, unsigned long long *out);

#endif
