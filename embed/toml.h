/* A strict parser for the TOML subset a bootloader manifest needs:
 * comments, [tables] and [[array tables]], bare, quoted and dotted keys,
 * inline tables, basic and literal strings, integers (decimal, 0x, 0o, 0b,
 * underscores), booleans and arrays of strings. Anything else (floats,
 * dates, multi-line strings, arrays of other things) is refused with its
 * line number rather than guessed at. Keys come out flattened:
 * [package.metadata.bootloader] kernel-stack-size = 128 is the entry
 * "package.metadata.bootloader.kernel-stack-size". */
#ifndef TOML_H
#define TOML_H

#include <stddef.h>
#include <stdint.h>

enum toml_type { TOML_STRING, TOML_INTEGER, TOML_BOOL, TOML_ARRAY };

struct toml_entry {
    char *key;
    enum toml_type type;
    char *string;            /* TOML_STRING */
    int64_t integer;         /* TOML_INTEGER */
    int boolean;             /* TOML_BOOL */
    char **items;            /* TOML_ARRAY: strings */
    unsigned nitems;
    unsigned line;
};

struct toml_doc {
    struct toml_entry *entry;
    unsigned count, capacity;
    char **tables;           /* [tables] defined explicitly, to refuse repeats */
    unsigned ntables;
};

/* 0, or -1 with "line N: reason" in err. The doc is valid either way and
 * must be freed. */
int toml_parse(const char *text, size_t len, struct toml_doc *doc, char *err, size_t errn);
const struct toml_entry *toml_get(const struct toml_doc *doc, const char *key);
void toml_free(struct toml_doc *doc);

#endif
