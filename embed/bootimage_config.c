/* bootimage-config: the runner settings of a Cargo.toml's
 * [package.metadata.bootimage], the table bootimage reads, for
 * scripts/cargo-runner. One "KEY<TAB>VALUE" line per value (an array gives
 * one line per item), with bootimage's defaults filled in:
 *
 *   run-command              ["qemu-system-x86_64", "-drive", "format=raw,file={}"]
 *   run-args, test-args      none
 *   test-timeout             300 (seconds)
 *   test-success-exit-code   none: QEMU's status 0 is success
 *   test-no-reboot           true
 *
 *   bootimage-config CARGO_TOML
 *
 * An unknown key, a value of the wrong type or one with a tab or newline
 * is an error naming the key and its line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readfile.h"
#include "report.h"
#include "toml.h"

#define TABLE "package.metadata.bootimage."

static const char *const default_run_command[] = { "qemu-system-x86_64", "-drive",
                                                   "format=raw,file={}" };

static int printable(const char *s)
{
    return !strpbrk(s, "\t\n\r");
}

static int print_array(const struct toml_entry *e, const char *name, const char *path)
{
    if (e->type != TOML_ARRAY) {
        report_error("%s: %s%s (line %u): expected an array of strings", path, TABLE, name, e->line);
        return -1;
    }
    for (unsigned i = 0; i < e->nitems; i++) {
        if (!printable(e->items[i])) {
            report_error("%s: %s%s (line %u): an argument with a tab or newline", path, TABLE,
                         name, e->line);
            return -1;
        }
        printf("%s\t%s\n", name, e->items[i]);
    }
    return 0;
}

static int print_integer(const struct toml_entry *e, const char *name, const char *path,
                         long long min, long long max)
{
    if (e->type != TOML_INTEGER || e->integer < min || e->integer > max) {
        report_error("%s: %s%s (line %u): expected an integer from %lld to %lld", path, TABLE,
                     name, e->line, min, max);
        return -1;
    }
    printf("%s\t%lld\n", name, (long long)e->integer);
    return 0;
}

static int print_key(const struct toml_entry *e, const char *path)
{
    const char *name = e->key + strlen(TABLE);
    if (!strcmp(name, "run-command") || !strcmp(name, "run-args") || !strcmp(name, "test-args"))
        return print_array(e, name, path);
    if (!strcmp(name, "test-timeout"))
        return print_integer(e, name, path, 1, 86400);
    if (!strcmp(name, "test-success-exit-code"))
        return print_integer(e, name, path, 0, 255);
    if (!strcmp(name, "test-no-reboot")) {
        if (e->type != TOML_BOOL) {
            report_error("%s: %stest-no-reboot (line %u): expected true or false", path, TABLE,
                         e->line);
            return -1;
        }
        printf("test-no-reboot\t%d\n", e->boolean);
        return 0;
    }
    if (!strcmp(name, "build-command"))
        return 0;                 /* bootimage's own build; embedboot builds with make */
    report_error("%s: %s%s (line %u): unknown key (known: run-command, run-args, test-args, "
                 "test-timeout, test-success-exit-code, test-no-reboot)", path, TABLE, name, e->line);
    return -1;
}

int main(int argc, char **argv)
{
    size_t size;
    char *why, err[300];
    if (argc != 2) {
        report_error("usage: bootimage-config CARGO_TOML");
        return 2;
    }
    char *text = read_file(argv[1], &size, &why);
    if (!text) {
        report_error("%s: %s", argv[1], why);
        return 1;
    }
    struct toml_doc doc;
    int rc = toml_parse(text, size, &doc, err, sizeof(err));
    free(text);
    if (rc)
        report_error("%s: %s", argv[1], err);
    if (!rc && !toml_get(&doc, TABLE "run-command"))
        for (size_t i = 0; i < sizeof(default_run_command) / sizeof(*default_run_command); i++)
            printf("run-command\t%s\n", default_run_command[i]);
    if (!rc && !toml_get(&doc, TABLE "test-timeout"))
        printf("test-timeout\t300\n");
    if (!rc && !toml_get(&doc, TABLE "test-no-reboot"))
        printf("test-no-reboot\t1\n");
    for (unsigned i = 0; i < doc.count && !rc; i++)
        if (!strncmp(doc.entry[i].key, TABLE, strlen(TABLE)))
            rc = print_key(&doc.entry[i], argv[1]);
    toml_free(&doc);
    return rc ? 1 : 0;
}
