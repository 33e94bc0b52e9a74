// Calls into libvips that Swift cannot make itself (variadic functions and macros),
// each with a fixed signature. Every function returns 0 on success and -1 on failure;
// grey_vips_error() then returns the error text (free it with grey_vips_free).
#ifndef GREY_VIPS_H
#define GREY_VIPS_H
#include <stddef.h>

// Starts libvips for untrusted input: the operation cache off, loaders marked untrusted
// blocked, one thread per operation (the worker processes give parallelism).
int grey_vips_start(void);

// Reads an image's header without decoding its pixels.
int grey_vips_header(const void *buffer, size_t length, int *width, int *height, int *pages, char **loader);

// A JPEG thumbnail fitting `size` x `size` (never enlarged): EXIF orientation applied,
// converted to sRGB, transparency flattened on white, metadata stripped. Truncated or
// corrupt input fails. `output` is freed with grey_vips_free.
int grey_vips_thumbnail(const void *buffer, size_t length, int size, void **output, size_t *output_length, int *width, int *height);

// The same two, reading a file (libvips picks the loader from the bytes, not the name).
int grey_vips_header_file(const char *path, int *width, int *height, int *pages, char **loader);
int grey_vips_thumbnail_file(const char *path, int size, void **output, size_t *output_length, int *width, int *height);

// Encodes 8-bit pixels (`bands` per pixel, rows packed) as JPEG (`format` 0), PNG (1) or
// interlaced PNG (2).
int grey_vips_encode(const void *pixels, int width, int height, int bands, int format, void **output, size_t *output_length);

// A copy of libvips' error text, cleared afterwards.
char *grey_vips_error(void);

void grey_vips_free(void *pointer);

#endif
