#include "toml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEY 512

struct parser {
    const char *p, *end;
    unsigned line;
    char table[MAX_KEY];
    struct toml_doc *doc;
    char *err;
    size_t errn;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct parser *ps, const char *fmt, ...)
{
    va_list ap;
    int k = snprintf(ps->err, ps->errn, "line %u: ", ps->line);
    va_start(ap, fmt);
    if (k >= 0 && (size_t)k < ps->errn)
        vsnprintf(ps->err + k, ps->errn - (size_t)k, fmt, ap);
    va_end(ap);
    return -1;
}

static int at_end(const struct parser *ps) { return ps->p >= ps->end; }
static char peek(const struct parser *ps) { return at_end(ps) ? 0 : *ps->p; }

static void skip_blanks(struct parser *ps)
{
    while (!at_end(ps) && (*ps->p == ' ' || *ps->p == '\t'))
        ps->p++;
}

static void skip_comment(struct parser *ps)
{
    if (peek(ps) == '#')
        while (!at_end(ps) && *ps->p != '\n')
            ps->p++;
}

/* Blanks, comments and newlines (inside arrays). */
static void skip_space(struct parser *ps)
{
    for (;;) {
        skip_blanks(ps);
        skip_comment(ps);
        if (peek(ps) == '\r' && ps->p + 1 < ps->end && ps->p[1] == '\n')
            ps->p++;
        if (peek(ps) != '\n')
            return;
        ps->p++;
        ps->line++;
    }
}

static int end_of_line(struct parser *ps)
{
    skip_blanks(ps);
    skip_comment(ps);
    if (peek(ps) == '\r')
        ps->p++;
    if (at_end(ps))
        return 0;
    if (*ps->p != '\n')
        return fail(ps, "unexpected '%c' after the value", *ps->p);
    ps->p++;
    ps->line++;
    return 0;
}

static int is_bare(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

static int append_utf8(char *out, size_t *len, size_t cap, unsigned long cp)
{
    unsigned char b[4];
    int n;
    if (cp < 0x80) { b[0] = (unsigned char)cp; n = 1; }
    else if (cp < 0x800) { b[0] = (unsigned char)(0xc0 | cp >> 6); b[1] = (unsigned char)(0x80 | (cp & 0x3f)); n = 2; }
    else if (cp < 0x10000) { b[0] = (unsigned char)(0xe0 | cp >> 12); b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f)); b[2] = (unsigned char)(0x80 | (cp & 0x3f)); n = 3; }
    else if (cp < 0x110000) { b[0] = (unsigned char)(0xf0 | cp >> 18); b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f)); b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f)); b[3] = (unsigned char)(0x80 | (cp & 0x3f)); n = 4; }
    else return -1;
    if (*len + (size_t)n >= cap)
        return -1;
    memcpy(out + *len, b, (size_t)n);
    *len += (size_t)n;
    return 0;
}

/* A basic ("...") or literal ('...') single-line string into out. */
static int parse_string(struct parser *ps, char *out, size_t cap)
{
    char quote = *ps->p++;
    size_t len = 0;

    if (ps->end - ps->p >= 2 && ps->p[0] == quote && ps->p[1] == quote)
        return fail(ps, "multi-line strings are not supported");
    while (!at_end(ps) && *ps->p != quote) {
        char c = *ps->p++;
        if (c == '\n')
            return fail(ps, "unterminated string");
        if (c == '\\' && quote == '"') {
            char e = at_end(ps) ? 0 : *ps->p++;
            const char *from = "btnfr\"\\", *to = "\b\t\n\f\r\"\\";
            const char *hit = e ? strchr(from, e) : NULL;
            if (hit) {
                c = to[hit - from];
            } else if (e == 'u' || e == 'U') {
                int digits = e == 'u' ? 4 : 8;
                char hex[9] = { 0 }, *stop;
                if (ps->end - ps->p < digits)
                    return fail(ps, "bad \\%c escape", e);
                memcpy(hex, ps->p, (size_t)digits);
                ps->p += digits;
                unsigned long cp = strtoul(hex, &stop, 16);
                if (*stop || append_utf8(out, &len, cap, cp))
                    return fail(ps, "bad \\%c escape", e);
                continue;
            } else {
                return fail(ps, "unknown escape '\\%c' in a string", e ? e : ' ');
            }
        }
        if (len + 1 >= cap)
            return fail(ps, "string too long");
        out[len++] = c;
    }
    if (at_end(ps))
        return fail(ps, "unterminated string");
    ps->p++;
    out[len] = 0;
    return 0;
}

/* a.b."c d".e -> "a.b.c d.e" */
static int parse_key(struct parser *ps, char *out, size_t cap)
{
    size_t len = 0;
    for (;;) {
        char part[MAX_KEY];
        skip_blanks(ps);
        if (peek(ps) == '"' || peek(ps) == '\'') {
            if (parse_string(ps, part, sizeof(part)))
                return -1;
        } else {
            size_t k = 0;
            while (is_bare(peek(ps)) && k + 1 < sizeof(part))
                part[k++] = *ps->p++;
            part[k] = 0;
            if (!k)
                return fail(ps, "expected a key");
        }
        size_t plen = strlen(part);
        if (len + plen + 2 >= cap)
            return fail(ps, "key too long");
        if (len)
            out[len++] = '.';
        memcpy(out + len, part, plen + 1);
        len += plen;
        skip_blanks(ps);
        if (peek(ps) != '.')
            return 0;
        ps->p++;
    }
}

static int join(struct parser *ps, const char *prefix, const char *key, char *out, size_t cap)
{
    int n = *prefix ? snprintf(out, cap, "%s.%s", prefix, key) : snprintf(out, cap, "%s", key);
    return n < 0 || (size_t)n >= cap ? fail(ps, "key too long") : 0;
}

static int add(struct parser *ps, struct toml_entry *e)
{
    struct toml_doc *d = ps->doc;
    size_t klen = strlen(e->key);
    for (unsigned i = 0; i < d->count; i++) {
        const char *k = d->entry[i].key;
        size_t n = strlen(k);
        if (!strcmp(k, e->key))
            return fail(ps, "duplicate key '%s' (first on line %u)", e->key, d->entry[i].line);
        if ((n < klen && !strncmp(k, e->key, n) && e->key[n] == '.') ||
            (klen < n && !strncmp(k, e->key, klen) && k[klen] == '.'))
            return fail(ps, "key '%s' is both a value and a table", e->key);
    }
    if (d->count == d->capacity) {
        unsigned cap = d->capacity ? 2 * d->capacity : 32;
        struct toml_entry *grown = realloc(d->entry, cap * sizeof(*grown));
        if (!grown)
            return fail(ps, "out of memory");
        d->entry = grown;
        d->capacity = cap;
    }
    d->entry[d->count++] = *e;
    return 0;
}

static int parse_value(struct parser *ps, const char *key);

/* Is the input at the bare word w (not a longer word)? */
static int word_is(const struct parser *ps, const char *w)
{
    size_t n = strlen(w);
    return (size_t)(ps->end - ps->p) >= n && !strncmp(ps->p, w, n) &&
           (ps->p + n == ps->end || !is_bare(ps->p[n]));
}

static int parse_inline_table(struct parser *ps, const char *prefix)
{
    ps->p++;
    skip_blanks(ps);
    if (peek(ps) == '}') {
        ps->p++;
        return 0;
    }
    for (;;) {
        char key[MAX_KEY], full[MAX_KEY];
        if (parse_key(ps, key, sizeof(key)) || join(ps, prefix, key, full, sizeof(full)))
            return -1;
        skip_blanks(ps);
        if (peek(ps) != '=')
            return fail(ps, "expected '=' after '%s'", key);
        ps->p++;
        skip_blanks(ps);
        if (parse_value(ps, full))
            return -1;
        skip_blanks(ps);
        if (peek(ps) == '}') {
            ps->p++;
            return 0;
        }
        if (peek(ps) != ',')
            return fail(ps, "expected ',' or '}' in an inline table");
        ps->p++;
    }
}

static int parse_array(struct parser *ps, struct toml_entry *e)
{
    ps->p++;
    e->type = TOML_ARRAY;
    for (;;) {
        skip_space(ps);
        if (peek(ps) == ']') {
            ps->p++;
            return 0;
        }
        if (peek(ps) != '"' && peek(ps) != '\'')
            return fail(ps, "only arrays of strings are supported");
        char item[1024];
        if (parse_string(ps, item, sizeof(item)))
            return -1;
        char *copy = strdup(item);
        char **grown = copy ? realloc(e->items, (e->nitems + 1) * sizeof(char *)) : NULL;
        if (!grown) {
            free(copy);
            return fail(ps, "out of memory");
        }
        e->items = grown;
        e->items[e->nitems++] = copy;
        skip_space(ps);
        if (peek(ps) == ',')
            ps->p++;
        else if (peek(ps) != ']')
            return fail(ps, "expected ',' or ']' in an array");
    }
}

static int parse_integer(struct parser *ps, struct toml_entry *e, const char *key)
{
    char digits[80];
    size_t k = 0;
    while (!at_end(ps) && (is_bare(*ps->p) || *ps->p == '+' || *ps->p == '.' || *ps->p == ':') &&
           k + 1 < sizeof(digits))
        digits[k++] = *ps->p++;
    digits[k] = 0;
    if (strpbrk(digits, ".:") || (strpbrk(digits, "eE") && strncmp(digits, "0x", 2)) ||
        !strcmp(digits, "inf") || !strcmp(digits, "nan") || strchr(digits + 1, '-'))
        return fail(ps, "'%s': floats and dates are not supported", digits);
    char clean[80], *c = clean, *stop;
    for (const char *s = digits; *s; s++)
        if (*s != '_')
            *c++ = *s;
    *c = 0;
    int negative = clean[0] == '-';
    const char *num = clean + (clean[0] == '-' || clean[0] == '+');
    int base = 10;
    if (num[0] == '0' && (num[1] == 'x' || num[1] == 'o' || num[1] == 'b')) {
        base = num[1] == 'x' ? 16 : num[1] == 'o' ? 8 : 2;
        num += 2;
    }
    errno = 0;
    unsigned long long v = strtoull(num, &stop, base);
    if (!*num || *stop || errno)
        return fail(ps, "'%s' is not an integer TOML understands", digits);
    if (v > (unsigned long long)INT64_MAX)      /* typically an unquoted high address */
        return fail(ps, "%s: %s does not fit a TOML integer; addresses are quoted strings, "
                    "write \"%s\"", key, digits, digits);
    e->type = TOML_INTEGER;
    e->integer = negative ? -(int64_t)v : (int64_t)v;
    return 0;
}

static int parse_value(struct parser *ps, const char *key)
{
    struct toml_entry e = { .line = ps->line };
    char c = peek(ps);

    if (c == '{')
        return parse_inline_table(ps, key);
    e.key = strdup(key);
    int err;
    if (!e.key) {
        err = fail(ps, "out of memory");
    } else if (c == '"' || c == '\'') {
        char buf[4096];
        err = parse_string(ps, buf, sizeof(buf));
        e.type = TOML_STRING;
        e.string = err ? NULL : strdup(buf);
        if (!err && !e.string)
            err = fail(ps, "out of memory");
    } else if (c == '[') {
        err = parse_array(ps, &e);
    } else if (word_is(ps, "true") || word_is(ps, "false")) {
        e.type = TOML_BOOL;
        e.boolean = *ps->p == 't';
        ps->p += e.boolean ? 4 : 5;
        err = 0;
    } else if ((c >= '0' && c <= '9') || c == '+' || c == '-' || word_is(ps, "inf") ||
               word_is(ps, "nan")) {
        err = parse_integer(ps, &e, key);
    } else {
        err = fail(ps, "unsupported value for '%s'", key);
    }
    if (err || add(ps, &e)) {
        free(e.key);
        free(e.string);
        for (unsigned i = 0; i < e.nitems; i++)
            free(e.items[i]);
        free(e.items);
        return -1;
    }
    return 0;
}

static int parse_table_header(struct parser *ps)
{
    int array = ps->end - ps->p >= 2 && ps->p[1] == '[';
    char key[MAX_KEY];
    ps->p += array ? 2 : 1;
    if (parse_key(ps, key, sizeof(key)))
        return -1;
    if (peek(ps) != ']' || (array && (ps->end - ps->p < 2 || ps->p[1] != ']')))
        return fail(ps, "expected '%s' after the table name", array ? "]]" : "]");
    ps->p += array ? 2 : 1;
    struct toml_doc *d = ps->doc;
    if (array) {            /* each [[x]] is a new table: x[0], x[1], ... */
        unsigned n = 0;
        char probe[MAX_KEY + 16];
        for (;; n++) {
            snprintf(probe, sizeof(probe), "%s[%u]", key, n);
            unsigned i = 0;
            while (i < d->ntables && strcmp(d->tables[i], probe))
                i++;
            if (i == d->ntables)
                break;
        }
        if (strlen(probe) >= MAX_KEY)
            return fail(ps, "table name too long");
        strcpy(key, probe);
    } else {
        for (unsigned i = 0; i < d->ntables; i++)
            if (!strcmp(d->tables[i], key))
                return fail(ps, "table [%s] defined twice", key);
    }
    char *copy = strdup(key);
    char **grown = copy ? realloc(d->tables, (d->ntables + 1) * sizeof(char *)) : NULL;
    if (!grown) {
        free(copy);
        return fail(ps, "out of memory");
    }
    d->tables = grown;
    d->tables[d->ntables++] = copy;
    strcpy(ps->table, key);
    return end_of_line(ps);
}

int toml_parse(const char *text, size_t len, struct toml_doc *doc, char *err, size_t errn)
{
    struct parser ps = { text, text + len, 1, "", doc, err, errn };
    memset(doc, 0, sizeof(*doc));
    if (memchr(text, 0, len))
        return fail(&ps, "the file contains a NUL byte");
    while (skip_space(&ps), !at_end(&ps)) {
        if (*ps.p == '[') {
            if (parse_table_header(&ps))
                return -1;
            continue;
        }
        char key[MAX_KEY], full[MAX_KEY];
        if (parse_key(&ps, key, sizeof(key)) || join(&ps, ps.table, key, full, sizeof(full)))
            return -1;
        skip_blanks(&ps);
        if (peek(&ps) != '=')
            return fail(&ps, "expected '=' after '%s'", key);
        ps.p++;
        skip_blanks(&ps);
        if (parse_value(&ps, full) || end_of_line(&ps))
            return -1;
    }
    return 0;
}

const struct toml_entry *toml_get(const struct toml_doc *doc, const char *key)
{
    for (unsigned i = 0; i < doc->count; i++)
        if (!strcmp(doc->entry[i].key, key))
            return &doc->entry[i];
    return NULL;
}

void toml_free(struct toml_doc *doc)
{
    for (unsigned i = 0; i < doc->count; i++) {
        struct toml_entry *e = &doc->entry[i];
        free(e->key);
        free(e->string);
        for (unsigned k = 0; k < e->nitems; k++)
            free(e->items[k]);
        free(e->items);
    }
    for (unsigned i = 0; i < doc->ntables; i++)
        free(doc->tables[i]);
    free(doc->entry);
    free(doc->tables);
    memset(doc, 0, sizeof(*doc));
}
