#include "grey_av.h"
#include "grey_av_internal.h"
#include <libavutil/imgutils.h>
#include <libavutil/mathematics.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include <stdlib.h>
#include <string.h>

// Frames decoded on the way from a keyframe to the requested time before settling for one.
#define MAX_FRAMES_BEFORE_TARGET 900
// Frames, and seconds, searched past a black frame for one that is not.
#define BLACK_SEARCH_FRAMES 60
#define BLACK_SEARCH_SECONDS 2
// Mean luma (0-255) under which a frame counts as black, and the size it is measured at.
#define BLACK_LUMA 16
#define BLACK_PROBE_SIZE 64

static void fit(const AVFrame *frame, AVRational aspect, int limit, int *width, int *height) {
    double w = frame->width, h = frame->height;
    if (aspect.num > 0 && aspect.den > 0) {
        double ratio = (double)aspect.num / aspect.den;
        if (ratio > 1.0 && ratio <= 16.0) h /= ratio;
        else if (ratio < 1.0 && ratio >= 1.0 / 16.0) w *= ratio;
    }
    double scale = 1.0;
    if (w * scale > limit) scale = limit / w;
    if (h * scale > limit) scale = limit / h;
    long fitted_width = lround(w * scale), fitted_height = lround(h * scale);
    *width = (int)(fitted_width < 1 ? 1 : fitted_width > frame->width ? frame->width : fitted_width);
    *height = (int)(fitted_height < 1 ? 1 : fitted_height > frame->height ? frame->height : fitted_height);
}

// Converts `frame` to packed RGB24, `width` x `height`, into `rgb` (width * height * 3 bytes).
static int convert(struct SwsContext **scaler, const AVFrame *frame, int width, int height, unsigned char *rgb) {
    if (frame->format < 0 || frame->width <= 0 || frame->height <= 0) return AVERROR_INVALIDDATA;
    if ((int64_t)frame->width * frame->height > MAX_PIXELS) return AVERROR_INVALIDDATA;
    *scaler = sws_getCachedContext(*scaler, frame->width, frame->height, frame->format, width, height,
                                   AV_PIX_FMT_RGB24, SWS_AREA, NULL, NULL, NULL);
    if (!*scaler) return AVERROR(ENOSYS);
    // The frame's own colour matrix and range, where it says.
    int *inverse, *table, source_range, target_range, brightness, contrast, saturation;
    if (sws_getColorspaceDetails(*scaler, &inverse, &source_range, &table, &target_range, &brightness, &contrast,
                                 &saturation) >= 0) {
        int space = frame->colorspace;
        const int *coefficients = sws_getCoefficients(
            space == AVCOL_SPC_UNSPECIFIED || space == AVCOL_SPC_RGB ? SWS_CS_DEFAULT : space);
        if (frame->color_range == AVCOL_RANGE_JPEG) source_range = 1;
        sws_setColorspaceDetails(*scaler, coefficients, source_range, table, target_range, brightness, contrast,
                                 saturation);
    }
    // swscale writes into padded, aligned rows; the caller gets tight ones.
    uint8_t *data[4] = {NULL};
    int linesize[4] = {0};
    int code = av_image_alloc(data, linesize, width, height, AV_PIX_FMT_RGB24, 32);
    if (code < 0) return code;
    code = sws_scale(*scaler, (const uint8_t *const *)frame->data, frame->linesize, 0, frame->height, data,
                     linesize);
    if (code == height) {
        for (int row = 0; row < height; row++) {
            memcpy(rgb + (size_t)row * width * 3, data[0] + (size_t)row * linesize[0], (size_t)width * 3);
        }
        code = 0;
    } else {
        code = code < 0 ? code : AVERROR_INVALIDDATA;
    }
    av_freep(&data[0]);
    return code;
}

// Whether the frame's mean luma, measured on a small copy, is below BLACK_LUMA. A frame
// that does not convert counts as not black (its final conversion reports the error).
static int is_black(struct SwsContext **scaler, const AVFrame *frame, AVRational aspect) {
    int width, height;
    fit(frame, aspect, BLACK_PROBE_SIZE, &width, &height);
    unsigned char rgb[BLACK_PROBE_SIZE * BLACK_PROBE_SIZE * 3];
    if (convert(scaler, frame, width, height, rgb) < 0) return 0;
    int64_t sum = 0, count = (int64_t)width * height;
    for (int64_t i = 0; i < count; i++) sum += 299 * rgb[3 * i] + 587 * rgb[3 * i + 1] + 114 * rgb[3 * i + 2];
    return sum < (int64_t)BLACK_LUMA * 1000 * count;
}

// Decodes forward from where the file stands to the first frame at or after `target` (any
// frame when it is AV_NOPTS_VALUE), then past black frames for a while. Leaves the frame
// in `chosen`; returns 1, 0 when no frame decoded, or -1 with `*error`.
static int pick_frame(AVFormatContext *format, AVCodecContext *codec, int index, int64_t target,
                      struct SwsContext **scaler, AVFrame *chosen, char **error) {
    AVStream *stream = format->streams[index];
    AVPacket *packet = av_packet_alloc();
    AVFrame *frame = av_frame_alloc();
    if (!packet || !frame) {
        av_packet_free(&packet);
        av_frame_free(&frame);
        return grey_av_fail(AVERROR(ENOMEM), "decode", error);
    }
    int64_t window = av_rescale_q(BLACK_SEARCH_SECONDS * (int64_t)AV_TIME_BASE, AV_TIME_BASE_Q, stream->time_base);
    int64_t deadline = AV_NOPTS_VALUE;
    int have = 0, settled = 0, done = 0, ended = 0;
    int before = 0, searched = 0, errors = 0, last_error = 0;
    while (!done) {
        if (!ended) {
            int fed = grey_av_feed(format, codec, index, packet);
            if (fed == 2) ended = 1;
            if (fed == 1 && ++errors > MAX_ERRORS_IN_A_ROW) break;
        }
        for (;;) {
            int code = avcodec_receive_frame(codec, frame);
            if (code == AVERROR(EAGAIN)) break;
            if (code == AVERROR_EOF) {
                done = 1;
                break;
            }
            if (code < 0) {
                last_error = code;
                if (++errors > MAX_ERRORS_IN_A_ROW) done = 1;
                break;
            }
            errors = 0;
            int64_t time = frame->best_effort_timestamp;
            int known = time != AV_NOPTS_VALUE;
            int early = !settled && target != AV_NOPTS_VALUE && known && time < target;
            int black = 0;
            if (!early || ++before > MAX_FRAMES_BEFORE_TARGET) {
                black = is_black(scaler, frame, av_guess_sample_aspect_ratio(format, stream, frame));
                if (!settled) {
                    settled = 1;
                    if (known && window > 0 && time < INT64_MAX - window) deadline = time + window;
                } else {
                    searched++;
                }
            }
            av_frame_unref(chosen);
            av_frame_move_ref(chosen, frame);
            have = 1;
            if (settled && (!black || searched >= BLACK_SEARCH_FRAMES ||
                            (deadline != AV_NOPTS_VALUE && known && time > deadline))) {
                done = 1;
                break;
            }
        }
    }
    av_packet_free(&packet);
    av_frame_free(&frame);
    if (have) return 1;
    if (errors > MAX_ERRORS_IN_A_ROW) return grey_av_fail(last_error < 0 ? last_error : AVERROR_INVALIDDATA, "decode", error);
    return 0;
}

int grey_av_still(const char *path, double position, int max_size, unsigned char **rgb, int *width, int *height,
                  char **error) {
    *rgb = NULL;
    *width = 0;
    *height = 0;
    if (max_size <= 0) return grey_av_refuse("maximum size must be positive", error);
    if (!(position >= 0.0)) position = 0.0;
    if (position > 1.0) position = 1.0;

    AVFormatContext *format = NULL;
    AVCodecContext *codec = NULL;
    struct SwsContext *scaler = NULL;
    AVFrame *chosen = NULL;
    unsigned char *pixels = NULL;
    int index = -1, result = -1;
    if (grey_av_open_input(path, &format, error) < 0) return -1;
    if (grey_av_open_decoder(format, AVMEDIA_TYPE_VIDEO, &index, &codec, error) < 0) goto done;
    chosen = av_frame_alloc();
    if (!chosen) {
        grey_av_fail(AVERROR(ENOMEM), "still", error);
        goto done;
    }

    AVStream *stream = format->streams[index];
    int64_t start = stream->start_time != AV_NOPTS_VALUE ? stream->start_time : 0;
    int64_t duration = stream->duration;
    if (duration == AV_NOPTS_VALUE || duration <= 0) {
        duration = format->duration != AV_NOPTS_VALUE && format->duration > 0
                       ? av_rescale_q(format->duration, AV_TIME_BASE_Q, stream->time_base)
                       : 0;
    }
    int64_t target = AV_NOPTS_VALUE;
    if (duration > 0 && position > 0.0) {
        double offset = position * (double)duration;
        if (offset < (double)(INT64_MAX / 2) && start < INT64_MAX / 2) target = start + (int64_t)offset;
        // Back to the keyframe before the target; decoding walks forward from there. A file
        // that does not seek gives its first frame.
        if (target != AV_NOPTS_VALUE && av_seek_frame(format, index, target, AVSEEK_FLAG_BACKWARD) < 0) {
            target = AV_NOPTS_VALUE;
            av_seek_frame(format, index, start, AVSEEK_FLAG_BACKWARD);
        }
    }
    int picked = pick_frame(format, codec, index, target, &scaler, chosen, error);
    if (picked <= 0 && target != AV_NOPTS_VALUE) {
        // Nothing decoded after the seek (the file is shorter than it says, or broken there):
        // the first frame that decodes instead.
        if (picked < 0) {
            grey_av_free(*error);
            *error = NULL;
        }
        avcodec_flush_buffers(codec);
        av_seek_frame(format, index, start, AVSEEK_FLAG_BACKWARD);
        picked = pick_frame(format, codec, index, AV_NOPTS_VALUE, &scaler, chosen, error);
    }
    if (picked < 0) goto done;
    if (picked == 0) {
        grey_av_refuse("no video frame decoded", error);
        goto done;
    }

    int fitted_width, fitted_height;
    fit(chosen, av_guess_sample_aspect_ratio(format, stream, chosen), max_size, &fitted_width, &fitted_height);
    pixels = malloc((size_t)fitted_width * fitted_height * 3);
    if (!pixels) {
        grey_av_fail(AVERROR(ENOMEM), "still", error);
        goto done;
    }
    int code = convert(&scaler, chosen, fitted_width, fitted_height, pixels);
    if (code < 0) {
        grey_av_fail(code, "convert", error);
        goto done;
    }
    *rgb = pixels;
    pixels = NULL;
    *width = fitted_width;
    *height = fitted_height;
    result = 0;
done:
    free(pixels);
    av_frame_free(&chosen);
    sws_freeContext(scaler);
    avcodec_free_context(&codec);
    avformat_close_input(&format);
    return result;
}

// Peaks over consecutive blocks of samples. When the blocks fill `capacity`, neighbours
// merge and blocks double in length, so any length of audio fits in bounded memory at a
// resolution of at least capacity / 2 blocks.
