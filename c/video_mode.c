#include "video_mode.h"

int video_mode_pick(const struct video_mode_size *modes, unsigned n, uint32_t want_w,
                    uint32_t want_h)
{
    int best = -1;
    uint64_t best_area = 0;

    for (unsigned i = 0; i < n; i++) {
        const struct video_mode_size *m = &modes[i];
        if (!m->usable)
            continue;
        if (m->width == want_w && m->height == want_h)
            return (int)i;
        uint64_t area = (uint64_t)m->width * m->height;
        if (m->width <= want_w && m->height <= want_h && area > best_area) {
            best = (int)i;
            best_area = area;
        }
    }
    return best;
}
