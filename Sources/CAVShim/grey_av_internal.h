// What the libav shim's files share: opening untrusted input and decoders, feeding
// packets, and error text. Not part of the Swift-facing API.
#ifndef GREY_AV_INTERNAL_H
#define GREY_AV_INTERNAL_H
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>

// The largest picture any decoder may produce here (100 megapixels).
#define MAX_PIXELS 100000000LL
// Failed packets in a row before a file counts as undecodable.
#define MAX_ERRORS_IN_A_ROW 100

int grey_av_fail(int code, const char *context, char **error);
int grey_av_refuse(const char *reason, char **error);
void grey_av_copy_name(char *target, const char *name);
int grey_av_open_input(const char *path, AVFormatContext **format, char **error);
int grey_av_open_decoder(AVFormatContext *format, enum AVMediaType type, int *index, AVCodecContext **codec, char **error);
int grey_av_feed(AVFormatContext *format, AVCodecContext *codec, int index, AVPacket *packet);

#endif
