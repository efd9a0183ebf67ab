/* gen_payload MIB OUT: the payload kernel's data (see payload_prng.h). */
#include <stdio.h>
#include <stdlib.h>

#include "payload_prng.h"

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    unsigned long words = strtoul(argv[1], NULL, 0) << 17;    /* MiB / 8 */
    FILE *f = fopen(argv[2], "wb");
    if (!f)
        return 1;
    uint64_t s = PAYLOAD_SEED, v;
    for (unsigned long i = 0; i < words; i++) {
        v = payload_next(&s);
        fwrite(&v, 8, 1, f);
    }
    return fclose(f) ? 1 : 0;
}
