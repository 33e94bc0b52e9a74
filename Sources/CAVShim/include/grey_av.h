// libavformat probing with a fixed signature for Swift. Returns 0 on success, -1 on
// failure with `*error` set (free it with grey_av_free).
#ifndef GREY_AV_H
#define GREY_AV_H
#include <stdint.h>

typedef struct {
    int64_t duration_ms;     // -1 when the container does not say
    int has_video;
    int width, height;
    char video_codec[32];
    int has_audio;
    int sample_rate, channels;
    char audio_codec[32];
} grey_av_media;

// Opens the file at `path` (as MP4/QuickTime, MP3 or WAV only), reads its streams' parameters and, for the best video or audio
// stream, checks that a decoder exists. Nothing is decoded.
int grey_av_probe(const char *path, grey_av_media *media, char **error);

void grey_av_free(void *pointer);

#endif
