/* How every host tool reports an error: one line on stderr, with the
 * prefix the tests and users look for. */
#ifndef REPORT_H
#define REPORT_H

#define ERROR_PREFIX "embedboot: error: "

__attribute__((format(printf, 1, 2)))
void report_error(const char *fmt, ...);

#endif
