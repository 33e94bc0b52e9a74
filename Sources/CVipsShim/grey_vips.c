#include "grey_vips.h"
#include <vips/vips.h>

static void drop_warning(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data) {
    (void)domain; (void)level; (void)message; (void)data;
}

int grey_vips_start(void) {
    if (VIPS_INIT("grey")) return -1;
    // Decoding untrusted files warns often (a truncated JPEG, per tile); what matters comes
    // back as an error, so warnings are dropped rather than written to stderr.
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING, drop_warning, NULL);
    vips_cache_set_max(0);
    vips_block_untrusted_set(TRUE);
    vips_concurrency_set(1);
    return 0;
}

int grey_vips_header(const void *buffer, size_t length, int *width, int *height, int *pages, char **loader) {
    /* The error buffer is process-global and some loaders write to it yet succeed:
       start each call empty so a failure reports only its own words. */
    vips_error_clear();
    const char *name = vips_foreign_find_load_buffer(buffer, length);
    if (!name) return -1;
    VipsImage *image = vips_image_new_from_buffer(buffer, length, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    if (!image) return -1;
    *width = vips_image_get_width(image);
    *height = vips_image_get_height(image);
    *pages = vips_image_get_n_pages(image);
    *loader = g_strdup(name);
    g_object_unref(image);
    return 0;
}

int grey_vips_header_file(const char *path, int *width, int *height, int *pages, char **loader) {
    /* The error buffer is process-global and some loaders write to it yet succeed:
       start each call empty so a failure reports only its own words. */
    vips_error_clear();
    const char *name = vips_foreign_find_load(path);
    if (!name) return -1;
    VipsImage *image = vips_image_new_from_file(path, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    if (!image) return -1;
    *width = vips_image_get_width(image);
    *height = vips_image_get_height(image);
    *pages = vips_image_get_n_pages(image);
    *loader = g_strdup(name);
    g_object_unref(image);
    return 0;
}

static int save_opaque_jpeg(VipsImage *thumbnail, void **output, size_t *output_length, int *width, int *height);

int grey_vips_thumbnail(const void *buffer, size_t length, int size, void **output, size_t *output_length, int *width, int *height) {
    /* The error buffer is process-global and some loaders write to it yet succeed:
       start each call empty so a failure reports only its own words. */
    vips_error_clear();
    VipsImage *thumbnail = NULL;
    // The loader's options: stop on truncation or a serious decode error.
    if (vips_thumbnail_buffer((void *)buffer, length, &thumbnail, size, "height", size, "size", VIPS_SIZE_DOWN,
                              "option_string", "fail_on=error", NULL)) return -1;
    return save_opaque_jpeg(thumbnail, output, output_length, width, height);
}

int grey_vips_thumbnail_file(const char *path, int size, void **output, size_t *output_length, int *width, int *height) {
    /* The error buffer is process-global and some loaders write to it yet succeed:
       start each call empty so a failure reports only its own words. */
    vips_error_clear();
    VipsImage *thumbnail = NULL;
    // Stop on truncation or a serious decode error.
    if (vips_thumbnail(path, &thumbnail, size, "height", size, "size", VIPS_SIZE_DOWN, "fail_on", VIPS_FAIL_ON_ERROR, NULL)) return -1;
    return save_opaque_jpeg(thumbnail, output, output_length, width, height);
}

int grey_vips_encode(const void *pixels, int width, int height, int bands, int format, void **output, size_t *output_length) {
    /* The error buffer is process-global and some loaders write to it yet succeed:
       start each call empty so a failure reports only its own words. */
    vips_error_clear();
    VipsImage *image = vips_image_new_from_memory(pixels, (size_t)width * height * bands, width, height, bands, VIPS_FORMAT_UCHAR);
    if (!image) return -1;
    int failed = format == 0 ? vips_jpegsave_buffer(image, output, output_length, "Q", 82, "strip", TRUE, NULL)
                             : vips_pngsave_buffer(image, output, output_length, "compression", 6, "strip", TRUE, "interlace", format == 2, NULL);
    g_object_unref(image);
    return failed ? -1 : 0;
}

/// Flattens any alpha on white and saves a stripped JPEG; takes ownership of `thumbnail`.
static int save_opaque_jpeg(VipsImage *thumbnail, void **output, size_t *output_length, int *width, int *height) {
    VipsImage *opaque = thumbnail;
    if (vips_image_hasalpha(thumbnail)) {
        VipsArrayDouble *white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
        int failed = vips_flatten(thumbnail, &opaque, "background", white, NULL);
        vips_area_unref(VIPS_AREA(white));
        if (failed) {
            g_object_unref(thumbnail);
            return -1;
        }
    }
    int failed = vips_jpegsave_buffer(opaque, output, output_length, "Q", 82, "strip", TRUE, NULL);
    if (!failed) {
        *width = vips_image_get_width(opaque);
        *height = vips_image_get_height(opaque);
    }
    if (opaque != thumbnail) g_object_unref(opaque);
    g_object_unref(thumbnail);
    return failed ? -1 : 0;
}

char *grey_vips_error(void) {
    char *text = vips_error_buffer_copy();
    return text;
}

void grey_vips_free(void *pointer) {
    g_free(pointer);
}
