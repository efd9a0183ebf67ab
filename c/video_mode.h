/* Choosing a video mode for FRAMEBUFFER=WxH: the exact size, else the
 * largest mode not larger in either direction (by area). The UEFI path
 * chooses among GOP modes with it; stage 2 applies the same rule to VBE
 * modes in asm (asm/video.asm), where it also prefers 32 bpp to 24. */
#ifndef VIDEO_MODE_H
#define VIDEO_MODE_H

#include <stdint.h>

struct video_mode_size {
    uint32_t width, height;
    int usable;              /* 0: skip it (no linear framebuffer) */
};

/* Index of the best of n modes for want_w x want_h, or -1 if none fits. */
int video_mode_pick(const struct video_mode_size *modes, unsigned n, uint32_t want_w,
                    uint32_t want_h);

#endif
