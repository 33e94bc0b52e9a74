#include "grey_av.h"
#include "grey_av_internal.h"
#include <string.h>

int grey_av_probe(const char *path, grey_av_media *media, char **error) {
    memset(media, 0, sizeof *media);
    media->duration_ms = -1;
    AVFormatContext *format = NULL;
    if (grey_av_open_input(path, &format, error) < 0) return -1;
    if (format->duration != AV_NOPTS_VALUE && format->duration > 0) media->duration_ms = format->duration / 1000;

    int video = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (video >= 0 && !(format->streams[video]->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
        AVCodecParameters *parameters = format->streams[video]->codecpar;
        if (avcodec_find_decoder(parameters->codec_id)) {
            media->has_video = 1;
            media->width = parameters->width;
            media->height = parameters->height;
            grey_av_copy_name(media->video_codec, avcodec_get_name(parameters->codec_id));
        }
    }
    int audio = av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    if (audio >= 0) {
        AVCodecParameters *parameters = format->streams[audio]->codecpar;
        if (avcodec_find_decoder(parameters->codec_id)) {
            media->has_audio = 1;
            media->sample_rate = parameters->sample_rate;
            media->channels = parameters->ch_layout.nb_channels;
            grey_av_copy_name(media->audio_codec, avcodec_get_name(parameters->codec_id));
        }
    }
    avformat_close_input(&format);
    if (!media->has_video && !media->has_audio) return grey_av_refuse("no decodable audio or video stream", error);
    return 0;
}

