#include "grey_av.h"
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <stdlib.h>
#include <string.h>

static int fail(int code, const char *context, char **error) {
    char reason[AV_ERROR_MAX_STRING_SIZE] = {0};
    av_make_error_string(reason, sizeof reason, code);
    size_t length = strlen(context) + strlen(reason) + 3;
    *error = malloc(length);
    if (*error) snprintf(*error, length, "%s: %s", context, reason);
    return -1;
}

static void copy_name(char *target, const char *name) {
    strncpy(target, name ? name : "unknown", 31);
    target[31] = 0;
}

int grey_av_probe(const char *path, grey_av_media *media, char **error) {
    memset(media, 0, sizeof *media);
    media->duration_ms = -1;
    av_log_set_level(AV_LOG_QUIET);
    // Untrusted input: only the containers Grey accepts, only local files (no demuxer may
    // follow a reference to a URL or another file).
    AVDictionary *options = NULL;
    av_dict_set(&options, "format_whitelist", "mov,mp4,m4a,3gp,3g2,mj2,mp3,wav", 0);
    av_dict_set(&options, "protocol_whitelist", "file", 0);
    AVFormatContext *format = NULL;
    int code = avformat_open_input(&format, path, NULL, &options);
    av_dict_free(&options);
    if (code < 0) return fail(code, "open", error);
    code = avformat_find_stream_info(format, NULL);
    if (code < 0) {
        avformat_close_input(&format);
        return fail(code, "stream info", error);
    }
    if (format->duration != AV_NOPTS_VALUE && format->duration > 0) media->duration_ms = format->duration / 1000;

    int video = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (video >= 0 && !(format->streams[video]->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
        AVCodecParameters *parameters = format->streams[video]->codecpar;
        if (avcodec_find_decoder(parameters->codec_id)) {
            media->has_video = 1;
            media->width = parameters->width;
            media->height = parameters->height;
            copy_name(media->video_codec, avcodec_get_name(parameters->codec_id));
        }
    }
    int audio = av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    if (audio >= 0) {
        AVCodecParameters *parameters = format->streams[audio]->codecpar;
        if (avcodec_find_decoder(parameters->codec_id)) {
            media->has_audio = 1;
            media->sample_rate = parameters->sample_rate;
            media->channels = parameters->ch_layout.nb_channels;
            copy_name(media->audio_codec, avcodec_get_name(parameters->codec_id));
        }
    }
    avformat_close_input(&format);
    if (!media->has_video && !media->has_audio) {
        *error = strdup("no decodable audio or video stream");
        return -1;
    }
    return 0;
}

void grey_av_free(void *pointer) {
    free(pointer);
}
