/* A minimal unit-test harness: CHECK records a failure and goes on; each
 * TEST prints "ok NAME" or "FAIL NAME" for tests/run.sh to count. */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

extern int unit_failed;

#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "    %s:%d: CHECK(%s) failed\n", __FILE__,        \
                    __LINE__, #cond);                                         \
            unit_failed = 1;                                                  \
        }                                                                     \
    } while (0)

#define CHECK_EQ(a, b)                                                        \
    do {                                                                      \
        unsigned long long a_ = (unsigned long long)(a);                      \
        unsigned long long b_ = (unsigned long long)(b);                      \
        if (a_ != b_) {                                                       \
            fprintf(stderr, "    %s:%d: %s == 0x%llx, expected 0x%llx\n",     \
                    __FILE__, __LINE__, #a, a_, b_);                          \
            unit_failed = 1;                                                  \
        }                                                                     \
    } while (0)

#define CHECK_STR_HAS(s, part) CHECK(strstr((s), (part)) != NULL)

/* A table of malformed inputs: each case mutates a valid one, and the
 * checker must refuse it with `expect` and a message containing `text`. */
struct bad_case {
    const char *name;
    void (*mutate)(void);
    int expect;
    const char *text;
};

/* Run every case: make_valid, mutate, check (returns the error), message. */
static inline void unit_bad_cases(const struct bad_case *c, unsigned n, void (*make_valid)(void),
                                  int (*check)(void), void (*message)(char *, size_t))
{
    char text[300];
    for (unsigned i = 0; i < n; i++) {
        make_valid();
        c[i].mutate();
        int e = check();
        message(text, sizeof(text));
        if (e != c[i].expect || !strstr(text, c[i].text)) {
            fprintf(stderr, "    case %s: error %d, message '%s'\n", c[i].name, e, text);
            unit_failed = 1;
        }
    }
}

typedef void (*unit_fn)(void);
struct unit_test {
    const char *name;
    unit_fn fn;
};

#define TEST(name) static void name(void)

static inline int unit_run(const char *suite, const struct unit_test *t, unsigned n)
{
    int bad = 0;
    for (unsigned i = 0; i < n; i++) {
        unit_failed = 0;
        t[i].fn();
        printf("%s %s.%s\n", unit_failed ? "FAIL" : "ok", suite, t[i].name);
        bad |= unit_failed;
    }
    return bad;
}

#define UNIT_MAIN(suite, ...)                                                 \
    int unit_failed;                                                          \
    int main(void)                                                            \
    {                                                                         \
        static const struct unit_test tests[] = { __VA_ARGS__ };              \
        return unit_run(#suite, tests, sizeof(tests) / sizeof(tests[0]));     \
    }
#define T(fn) { #fn, fn }

#endif
