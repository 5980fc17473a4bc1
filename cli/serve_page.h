/*
** cli/serve_page.h — the page of `drsim serve`: web/serve.html with
** web/serve.css and web/serve.js inlined, turned into a C array at build
** time (cmake/embed-page.cmake), so the binary carries it and the page
** fetches nothing but the server's own API.
*/
#ifndef DRSIM_CLI_SERVE_PAGE_H
#define DRSIM_CLI_SERVE_PAGE_H

#include <stddef.h>

extern const unsigned char cli_serve_page[];  /* the HTML (UTF-8), NUL-terminated */
extern const size_t cli_serve_page_len;   /* its length in bytes, without the NUL */

#endif
