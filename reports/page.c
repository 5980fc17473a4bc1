/*
** reports/page.c — the HTML page frame and figure formats (see page.h).
*/
#include "reports/page.h"
#include "models/units.h"

#include <math.h>
#include <stdlib.h>

/* Text with <, > and & escaped. */
static void put_escaped(FILE *f, const char *s) {
  for (const char *c = s; *c; c++) {
    if (*c == '<') fputs("&lt;", f);
    else if (*c == '>') fputs("&gt;", f);
    else if (*c == '&') fputs("&amp;", f);
    else fputc(*c, f);
  }
}

int report_page_begin(FILE *f, const char *title) {
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
  put_escaped(f, title);
  fputs("</title>\n<style>\n"
        "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;"
        "margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}\n"
        "h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}\n"
        "table{border-collapse:collapse;font-size:.9rem;margin:1rem 0}\n"
        "th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}\n"
        "th:first-child,td:first-child{text-align:left}td{white-space:nowrap}\n"
        "tr.meets td{background:#eef7ee}tr.pick td{font-weight:600}\n"
        ".verdict{font-size:1.05rem;background:#f5f5f5;padding:.6rem 1rem;border-left:4px solid #0072B2}\n"
        "svg{width:100%;height:auto;font-family:inherit}\n"
        ".note{color:#555;font-size:.85rem}\n"
        "</style>\n</head>\n<body>\n<h1>", f);
  put_escaped(f, title);
  fputs("</h1>\n", f);
  return ferror(f) ? -1 : 0;
}

int report_page_end(FILE *f) {
  fputs("</body>\n</html>\n", f);
  return ferror(f) ? -1 : 0;
}

char *report_page_duration(double s, char *buf, size_t n) {
  if (isinf(s) && s > 0) {
    snprintf(buf, n, "never");
    return buf;
  }
  return model_units_format_duration(s, buf, n);
}

char *report_page_value(double v, int percent, char *buf, size_t n) {
  if (!percent) return report_page_duration(v, buf, n);
  if (isnan(v)) snprintf(buf, n, "n/a");
  else snprintf(buf, n, "%.2f %%", 100 * v);
  return buf;
}

int report_page_pct_digits(double q) {
  char buf[64];
  for (int d = 6; d < 17; d++) {
    snprintf(buf, sizeof buf, "%.*g", d, 100 * q);
    double v = strtod(buf, NULL);
    if (!(q < 1 && v >= 100) && !(q > 0 && v <= 0)) return d;
  }
  return 17;
}
