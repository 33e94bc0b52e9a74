// poppler-glib calls with fixed signatures for Swift. Each returns 0 on success, -1 on
// failure with `*error` set to a message (free it with grey_pdf_free); a document that
// needs a password sets `*encrypted` to 1 and fails.
#ifndef GREY_PDF_H
#define GREY_PDF_H
#include <stddef.h>

// Opens the PDF in `buffer` and counts its pages.
int grey_pdf_inspect(const void *buffer, size_t length, int *pages, int *encrypted, char **error);

// Renders the first page `width` pixels wide (height kept in proportion, at most
// `max_height`) on white, as PNG. `*png` is freed with grey_pdf_free.
int grey_pdf_render_first_page(const void *buffer, size_t length, int width, int max_height,
                               void **png, size_t *png_length, int *out_width, int *out_height, char **error);

void grey_pdf_free(void *pointer);

#endif
