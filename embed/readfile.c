#include "readfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void *read_file(const char *path, size_t *size, char **why)
{
    size_t n;
    const void *bytes = map_file(path, &n, why);
    if (!bytes)
        return NULL;
    char *buf = malloc(n + 1);                 /* one more: text files get a NUL */
    if (buf) {
        memcpy(buf, bytes, n);
        buf[n] = '\0';
        *size = n;
    } else {
        *why = "out of memory";
    }
    unmap_file(bytes, n);
    return buf;
}

const void *map_file(const char *path, size_t *size, char **why)
{
    static const char empty[1];
    struct stat st;
    if (stat(path, &st) != 0) {              /* before open: a FIFO would block it */
        *why = strerror(errno);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        *why = "not a regular file";
        return NULL;
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        *why = strerror(errno);
        return NULL;
    }
    *size = (size_t)st.st_size;
    void *bytes = *size ? mmap(NULL, *size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0)
                        : (void *)empty;
    close(fd);
    if (bytes == MAP_FAILED) {
        *why = strerror(errno);
        return NULL;
    }
    return bytes;
}

void unmap_file(const void *bytes, size_t size)
{
    if (size)
        munmap((void *)bytes, size);
}
