#include "grey_pdf.h"
#include <poppler.h>
#include <cairo.h>
#include <string.h>

static PopplerDocument *open_document(const void *buffer, size_t length, int *encrypted, char **error) {
    GBytes *bytes = g_bytes_new_static(buffer, length);
    GError *failure = NULL;
    PopplerDocument *document = poppler_document_new_from_bytes(bytes, NULL, &failure);
    g_bytes_unref(bytes);
    if (!document) {
        if (encrypted) *encrypted = failure && g_error_matches(failure, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED);
        *error = g_strdup(failure ? failure->message : "the document cannot be opened");
        if (failure) g_error_free(failure);
    }
    return document;
}

int grey_pdf_inspect(const void *buffer, size_t length, int *pages, int *encrypted, char **error) {
    *encrypted = 0;
    PopplerDocument *document = open_document(buffer, length, encrypted, error);
    if (!document) return -1;
    *pages = poppler_document_get_n_pages(document);
    g_object_unref(document);
    return 0;
}

typedef struct {
    unsigned char *data;
    size_t length;
    size_t capacity;
} png_buffer;

static cairo_status_t append_png(void *closure, const unsigned char *data, unsigned int length) {
    png_buffer *out = closure;
    if (out->length + length > out->capacity) {
        size_t capacity = out->capacity ? out->capacity * 2 : 65536;
        while (capacity < out->length + length) capacity *= 2;
        unsigned char *grown = g_try_realloc(out->data, capacity);
        if (!grown) return CAIRO_STATUS_NO_MEMORY;
        out->data = grown;
        out->capacity = capacity;
    }
    memcpy(out->data + out->length, data, length);
    out->length += length;
    return CAIRO_STATUS_SUCCESS;
}

int grey_pdf_render_first_page(const void *buffer, size_t length, int width, int max_height,
                               void **png, size_t *png_length, int *out_width, int *out_height, char **error) {
    PopplerDocument *document = open_document(buffer, length, NULL, error);
    if (!document) return -1;
    PopplerPage *page = poppler_document_get_n_pages(document) > 0 ? poppler_document_get_page(document, 0) : NULL;
    if (!page) {
        g_object_unref(document);
        *error = g_strdup("the document has no pages");
        return -1;
    }
    double page_width = 0, page_height = 0;
    poppler_page_get_size(page, &page_width, &page_height);
    if (page_width <= 0 || page_height <= 0) {
        g_object_unref(page);
        g_object_unref(document);
        *error = g_strdup("the first page has no size");
        return -1;
    }
    double scale = width / page_width;
    if (page_height * scale > max_height) scale = max_height / page_height;
    int pixel_width = (int)(page_width * scale + 0.5), pixel_height = (int)(page_height * scale + 0.5);
    if (pixel_width < 1) pixel_width = 1;
    if (pixel_height < 1) pixel_height = 1;

    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pixel_width, pixel_height);
    cairo_t *context = cairo_create(surface);
    cairo_set_source_rgb(context, 1, 1, 1);
    cairo_paint(context);
    cairo_scale(context, scale, scale);
    poppler_page_render(page, context);
    cairo_destroy(context);

    png_buffer out = {0};
    cairo_status_t status = cairo_surface_write_to_png_stream(surface, append_png, &out);
    cairo_surface_destroy(surface);
    g_object_unref(page);
    g_object_unref(document);
    if (status != CAIRO_STATUS_SUCCESS) {
        g_free(out.data);
        *error = g_strdup(cairo_status_to_string(status));
        return -1;
    }
    *png = out.data;
    *png_length = out.length;
    *out_width = pixel_width;
    *out_height = pixel_height;
    return 0;
}

void grey_pdf_free(void *pointer) {
    g_free(pointer);
}
