// libavformat probing and decoding with fixed signatures for Swift. Every function opens
// the file as MP4/QuickTime, MP3 or WAV only, from the local filesystem only, decodes on
// one thread, and returns 0 on success or -1 on failure with `*error` set (free it, and any
// buffer returned, with grey_av_free).
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

// The most columns grey_av_waveform computes.
#define GREY_AV_MAX_COLUMNS 65536

// Reads the streams' parameters and, for the best video or audio stream, checks that a
// decoder exists. Nothing is decoded.
int grey_av_probe(const char *path, grey_av_media *media, char **error);

// Decodes one frame of the best video stream at `position` (a fraction of the duration,
// 0...1): the first frame at or after that time, or up to 60 frames / 2 s later when it is
// black; the first frame when the file does not seek or ends early. Refuses a video over
// 100 megapixels. Sets `*rgb` to `*width` x `*height` packed RGB24 pixels (no row padding),
// scaled to fit `max_size` x `max_size`, never enlarged.
int grey_av_still(const char *path, double position, int max_size, unsigned char **rgb, int *width, int *height,
                  char **error);

// Decodes the best audio stream to its end and writes into `peaks` the peak absolute
// amplitude (0...1, across channels) of each of `columns` (1...GREY_AV_MAX_COLUMNS) equal
// slices of it. Fails once more than `max_samples` samples (per channel) have decoded.
int grey_av_waveform(const char *path, int columns, float *peaks, int64_t max_samples, char **error);

void grey_av_free(void *pointer);

#endif
