#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

/* One write for the whole line: make runs steps side by side, and a line
 * written in pieces could be split by another step's output. */
void report_error(const char *fmt, ...)
{
    char line[4096];
    int n = snprintf(line, sizeof(line), "%s", ERROR_PREFIX);
    va_list ap;

    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    n += m > 0 ? m : 0;
    if (n > (int)sizeof(line) - 2)
        n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    if (write(STDERR_FILENO, line, (size_t)n) < 0)
        return;                 /* nowhere left to say it */
}
