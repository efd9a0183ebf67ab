#include "readfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void *read_file(const char *path, size_t *size, char **why)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        *why = strerror(errno);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        *why = "not a regular file";
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        *why = strerror(errno);
        return NULL;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    size_t got = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    int failed = !buf || ferror(f) || got != (size_t)st.st_size;
    fclose(f);
    if (failed) {
        free(buf);
        *why = "cannot read the file";
        return NULL;
    }
    *size = got;
    return buf;
}

const void *map_file(const char *path, size_t *size, char **why)
{
    static const char empty[1];
    struct stat st;
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0) {
        *why = strerror(errno);
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        *why = "not a regular file";
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
