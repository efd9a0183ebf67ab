/* libFuzzer: the manifest parser refuses or accepts any text without
 * crashing or leaking (ASan), and every entry it keeps is well-formed. */
#include <stdint.h>
#include <string.h>

#include "../../embed/toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct toml_doc doc;
    char err[300];
    toml_parse((const char *)data, size, &doc, err, sizeof(err));
    for (unsigned i = 0; i < doc.count; i++) {
        const struct toml_entry *e = &doc.entry[i];
        if (!e->key || (e->type == TOML_STRING && !e->string) || toml_get(&doc, e->key) != e)
            __builtin_trap();
    }
    toml_free(&doc);
    return 0;
}
