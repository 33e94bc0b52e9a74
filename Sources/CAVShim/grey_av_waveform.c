#include "grey_av.h"
#include "grey_av_internal.h"
#include <libavutil/mathematics.h>
#include <libswresample/swresample.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    float *blocks;
    int64_t capacity, count, length; // length: samples per block
    float current;                   // the peak of the block being filled
    int64_t filled;                  // samples in it
    int64_t total;
} peak_blocks;

static void add_sample(peak_blocks *peaks, float sample) {
    float magnitude = fabsf(sample);
    if (isnan(magnitude)) magnitude = 0.0f;
    if (magnitude > 1.0f) magnitude = 1.0f;
    if (magnitude > peaks->current) peaks->current = magnitude;
    peaks->total++;
    if (++peaks->filled < peaks->length) return;
    peaks->blocks[peaks->count++] = peaks->current;
    peaks->current = 0.0f;
    peaks->filled = 0;
    if (peaks->count < peaks->capacity) return;
    for (int64_t i = 0; i < peaks->capacity / 2; i++) {
        float left = peaks->blocks[2 * i], right = peaks->blocks[2 * i + 1];
        peaks->blocks[i] = left > right ? left : right;
    }
    peaks->count = peaks->capacity / 2;
    peaks->length *= 2;
}

// Folds the blocks into `columns` equal slices of all the samples.
static void fold(peak_blocks *peaks, int columns, float *output) {
    if (peaks->filled > 0) peaks->blocks[peaks->count++] = peaks->current;
    int64_t total = peaks->total;
    for (int column = 0; column < columns; column++) {
        // Sample s falls in column s * columns / total (rounded down).
        int64_t first = av_rescale_rnd(column, total, columns, AV_ROUND_UP);
        int64_t end = av_rescale_rnd(column + 1, total, columns, AV_ROUND_UP);
        if (first > total - 1) first = total - 1;
        if (end <= first) end = first + 1; // fewer samples than columns: the nearest one
        float peak = 0.0f;
        for (int64_t block = first / peaks->length; block <= (end - 1) / peaks->length && block < peaks->count; block++) {
            if (peaks->blocks[block] > peak) peak = peaks->blocks[block];
        }
        output[column] = peak;
    }
}

// Converts a decoded frame to interleaved float and adds its samples, maximum across
// channels; re-creates the resampler when the frame's format differs from the last one.
static int add_frame(SwrContext **resampler, AVChannelLayout *layout, int *format, int *rate, const AVFrame *frame,
                     float **buffer, int64_t *buffer_size, peak_blocks *peaks) {
    if (!*resampler || av_channel_layout_compare(layout, &frame->ch_layout) != 0 || *format != frame->format ||
        *rate != frame->sample_rate) {
        swr_free(resampler);
        av_channel_layout_uninit(layout);
        int code = av_channel_layout_copy(layout, &frame->ch_layout);
        if (code < 0) return code;
        *format = frame->format;
        *rate = frame->sample_rate;
        if (*format < 0 || *rate <= 0) return AVERROR_INVALIDDATA;
        // Same layout and rate out: no mixing (opposite channels would cancel) and no delay.
        code = swr_alloc_set_opts2(resampler, layout, AV_SAMPLE_FMT_FLT, *rate, layout, *format, *rate, 0, NULL);
        if (code >= 0) code = swr_init(*resampler);
        if (code < 0) {
            swr_free(resampler);
            return code;
        }
    }
    int channels = layout->nb_channels;
    if (channels <= 0) return AVERROR_INVALIDDATA;
    int64_t needed = (int64_t)frame->nb_samples * channels;
    if (needed > *buffer_size) {
        float *grown = av_realloc_array(*buffer, (size_t)needed, sizeof **buffer);
        if (!grown) return AVERROR(ENOMEM);
        *buffer = grown;
        *buffer_size = needed;
    }
    uint8_t *output = (uint8_t *)*buffer;
    int converted = swr_convert(*resampler, &output, frame->nb_samples, (const uint8_t **)frame->extended_data,
                                frame->nb_samples);
    if (converted < 0) return converted;
    for (int i = 0; i < converted; i++) {
        float peak = 0.0f;
        for (int channel = 0; channel < channels; channel++) {
            float magnitude = fabsf((*buffer)[(int64_t)i * channels + channel]);
            if (magnitude > peak) peak = magnitude;
        }
        add_sample(peaks, peak);
    }
    return 0;
}

int grey_av_waveform(const char *path, int columns, float *peaks, int64_t max_samples, char **error) {
    if (columns <= 0 || columns > GREY_AV_MAX_COLUMNS) return grey_av_refuse("columns out of range", error);
    if (max_samples <= 0) return grey_av_refuse("maximum samples must be positive", error);
    memset(peaks, 0, sizeof *peaks * (size_t)columns);

    AVFormatContext *format = NULL;
    AVCodecContext *codec = NULL;
    SwrContext *resampler = NULL;
    AVChannelLayout layout = {0};
    int sample_format = -1, rate = 0;
    AVPacket *packet = NULL;
    AVFrame *frame = NULL;
    float *buffer = NULL;
    int64_t buffer_size = 0;
    peak_blocks blocks = {.capacity = columns < 256 ? 4096 : 16 * (int64_t)columns, .length = 1};
    int index = -1, result = -1;
    if (grey_av_open_input(path, &format, error) < 0) return -1;
    if (grey_av_open_decoder(format, AVMEDIA_TYPE_AUDIO, &index, &codec, error) < 0) goto done;
    packet = av_packet_alloc();
    frame = av_frame_alloc();
    blocks.blocks = malloc(sizeof *blocks.blocks * (size_t)blocks.capacity);
    if (!packet || !frame || !blocks.blocks) {
        grey_av_fail(AVERROR(ENOMEM), "waveform", error);
        goto done;
    }

    int ended = 0, errors = 0, last_error = 0;
    for (;;) {
        if (!ended) {
            int fed = grey_av_feed(format, codec, index, packet);
            if (fed == 2) ended = 1;
            if (fed == 1 && ++errors > MAX_ERRORS_IN_A_ROW) break;
        }
        int code;
        while ((code = avcodec_receive_frame(codec, frame)) >= 0) {
            errors = 0;
            if (frame->nb_samples > max_samples - blocks.total) {
                av_frame_unref(frame);
                char message[96];
                snprintf(message, sizeof message, "more than %lld samples", (long long)max_samples);
                grey_av_refuse(message, error);
                goto done;
            }
            code = add_frame(&resampler, &layout, &sample_format, &rate, frame, &buffer, &buffer_size, &blocks);
            av_frame_unref(frame);
            if (code < 0) {
                grey_av_fail(code, "convert", error);
                goto done;
            }
        }
        if (code == AVERROR_EOF) break;
        if (code != AVERROR(EAGAIN)) {
            last_error = code;
            if (++errors > MAX_ERRORS_IN_A_ROW) break;
        }
    }
    // Decoding that fails part way ends the waveform there; before any sample, it fails.
    if (blocks.total == 0) {
        if (errors > MAX_ERRORS_IN_A_ROW) grey_av_fail(last_error < 0 ? last_error : AVERROR_INVALIDDATA, "decode", error);
        else grey_av_refuse("no audio decoded", error);
        goto done;
    }
    fold(&blocks, columns, peaks);
    result = 0;
done:
    free(blocks.blocks);
    av_free(buffer);
    av_frame_free(&frame);
    av_packet_free(&packet);
    av_channel_layout_uninit(&layout);
    swr_free(&resampler);
    avcodec_free_context(&codec);
    avformat_close_input(&format);
    return result;
}

