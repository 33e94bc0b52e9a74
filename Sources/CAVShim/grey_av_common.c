#include "grey_av.h"
#include "grey_av_internal.h"
#include <libavutil/avutil.h>
#include <stdlib.h>
#include <string.h>

int grey_av_fail(int code, const char *context, char **error) {
    char reason[AV_ERROR_MAX_STRING_SIZE] = {0};
    av_make_error_string(reason, sizeof reason, code);
    size_t length = strlen(context) + strlen(reason) + 3;
    *error = malloc(length);
    if (*error) snprintf(*error, length, "%s: %s", context, reason);
    return -1;
}

int grey_av_refuse(const char *reason, char **error) {
    *error = strdup(reason);
    return -1;
}

void grey_av_copy_name(char *target, const char *name) {
    strncpy(target, name ? name : "unknown", 31);
    target[31] = 0;
}

// Opens `path` as untrusted input and reads its streams' parameters.
int grey_av_open_input(const char *path, AVFormatContext **format, char **error) {
    av_log_set_level(AV_LOG_QUIET);
    // Untrusted input: only the containers Grey accepts, only local files (no demuxer may
    // follow a reference to a URL or another file).
    AVDictionary *options = NULL;
    av_dict_set(&options, "format_whitelist", "mov,mp4,m4a,3gp,3g2,mj2,mp3,wav", 0);
    av_dict_set(&options, "protocol_whitelist", "file", 0);
    int code = avformat_open_input(format, path, NULL, &options);
    av_dict_free(&options);
    if (code < 0) return grey_av_fail(code, "open", error);
    // Finding stream info decodes a few frames: hold those decoders to the pixel limit too.
    unsigned count = (*format)->nb_streams;
    AVDictionary **stream_options = count > 0 ? calloc(count, sizeof *stream_options) : NULL;
    if (count > 0 && !stream_options) {
        avformat_close_input(format);
        return grey_av_fail(AVERROR(ENOMEM), "stream info", error);
    }
    for (unsigned i = 0; i < count; i++) av_dict_set_int(&stream_options[i], "max_pixels", MAX_PIXELS, 0);
    code = avformat_find_stream_info(*format, stream_options);
    for (unsigned i = 0; i < count; i++) av_dict_free(&stream_options[i]);
    free(stream_options);
    if (code < 0) {
        avformat_close_input(format);
        return grey_av_fail(code, "stream info", error);
    }
    return 0;
}


// Opens a single-threaded decoder for the best stream of `type`.
int grey_av_open_decoder(AVFormatContext *format, enum AVMediaType type, int *index, AVCodecContext **codec,
                        char **error) {
    const AVCodec *decoder = NULL;
    int found = av_find_best_stream(format, type, -1, -1, &decoder, 0);
    if (found == AVERROR_STREAM_NOT_FOUND) {
        return grey_av_refuse(type == AVMEDIA_TYPE_VIDEO ? "no video stream" : "no audio stream", error);
    }
    if (found < 0 || !decoder) return grey_av_refuse("no decoder for the stream", error);
    AVStream *stream = format->streams[found];
    if (type == AVMEDIA_TYPE_VIDEO) {
        // A cover picture is not a video (grey_av_probe says the same).
        if (stream->disposition & AV_DISPOSITION_ATTACHED_PIC) return grey_av_refuse("no video stream", error);
        int64_t width = stream->codecpar->width, height = stream->codecpar->height;
        if (width <= 0 || height <= 0) return grey_av_refuse("video has no size", error);
        if (width * height > MAX_PIXELS) return grey_av_refuse("video is larger than 100 megapixels", error);
    }
    *codec = avcodec_alloc_context3(decoder);
    if (!*codec) return grey_av_fail(AVERROR(ENOMEM), "decoder", error);
    int code = avcodec_parameters_to_context(*codec, stream->codecpar);
    if (code >= 0) {
        (*codec)->thread_count = 1;
        (*codec)->max_pixels = MAX_PIXELS;
        (*codec)->pkt_timebase = stream->time_base;
        code = avcodec_open2(*codec, decoder, NULL);
    }
    if (code < 0) {
        avcodec_free_context(codec);
        return grey_av_fail(code, "decoder", error);
    }
    *index = found;
    return 0;
}

// Feeds the decoder the stream's next packet, or the end of the stream once the file ends
// or stops reading (a truncated file ends there). Returns 0, 1 when the packet was refused
// (corrupt), or 2 at the end.
int grey_av_feed(AVFormatContext *format, AVCodecContext *codec, int index, AVPacket *packet) {
    for (;;) {
        if (av_read_frame(format, packet) < 0) {
            avcodec_send_packet(codec, NULL);
            return 2;
        }
        if (packet->stream_index != index) {
            av_packet_unref(packet);
            continue;
        }
        // Each fed packet's frames are all received before the next one is fed, so the
        // decoder never answers EAGAIN here.
        int code = avcodec_send_packet(codec, packet);
        av_packet_unref(packet);
        return code < 0 ? 1 : 0;
    }
}

// The display size of a frame that fits in `limit` x `limit`: never enlarged, the sample
// aspect ratio applied by shrinking one side.

void grey_av_free(void *pointer) {
    free(pointer);
}
