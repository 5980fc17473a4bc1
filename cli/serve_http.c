/*
** cli/serve_http.c — libmicrohttpd wiring of `drsim serve` (see
** serve_http.h): request bodies, routes, admission, streaming, shutdown.
*/
#include "cli/serve_http.h"
#include "cli/args.h"
#include "cli/common.h"
#include "cli/serve_page.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define MAX_CONNECTIONS 64

typedef struct server {
  cli_serve_lab *lab;
  const cli_serve_http_options *o;
  int loopback;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  unsigned running, queued;
  uint64_t completed, cancelled, rejected, failed, invalid;
} server;

/* One request's body, gathered across the handler's calls. */
typedef struct request {
  char *body;
  size_t len, cap;
  int too_big;
} request;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ------------------------------------------------------------ responses */

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *type,
                                 char *text, size_t len, enum MHD_ResponseMemoryMode mode) {
  struct MHD_Response *r = MHD_create_response_from_buffer(len, text, mode);
  if (!r) {
    if (mode == MHD_RESPMEM_MUST_FREE) free(text);
    return MHD_NO;
  }
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
  MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  if (status == MHD_HTTP_TOO_MANY_REQUESTS || status == MHD_HTTP_SERVICE_UNAVAILABLE)
    MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
  enum MHD_Result ret = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return ret;
}

/* Send doc (reference stolen) as JSON. */
static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_t *doc) {
  char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
  json_decref(doc);
  if (!text) {
    static char oom[] = "{\"error\":\"out of memory\"}";
    return send_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "application/json", oom,
                     sizeof oom - 1, MHD_RESPMEM_PERSISTENT);
  }
  return send_text(c, status, "application/json", text, strlen(text), MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg) {
  return send_json(c, status, json_pack("{s:s, s:[{s:n, s:s}]}", "error", msg, "errors",
                                        "param", "message", msg));
}

/* ------------------------------------------------------------ watching */

/* Has the client of c closed its side? (A non-streaming client waits for
** its answer without sending, so a readable end-of-file means it left.) */
static int client_gone(struct MHD_Connection *c) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
  if (!ci) return 0;
  char b;
  ssize_t n = recv(ci->connect_fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return 1;
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return 1;
  return 0;
}

/* What stops an evaluation: the client, the server, the time bound. */
typedef struct watch {
  server *sv;
  struct MHD_Connection *conn;        /* non-streaming: its socket is watched */
  volatile sig_atomic_t *cancel;      /* streaming: raised when the stream ends */
  double deadline;
  void (*progress)(void *ctx, uint64_t done, uint64_t total);
  void *progress_ctx;
} watch;

static int watch_poll(void *ctx) {
  watch *w = ctx;
  if (*w->sv->o->stop) return 1;
  if (w->cancel && *w->cancel) return 1;
  if (w->conn && client_gone(w->conn)) return 1;
  return now_s() > w->deadline;
}

static void watch_progress(void *ctx, uint64_t done, uint64_t total) {
  watch *w = ctx;
  if (w->progress) w->progress(w->progress_ctx, done, total);
}

/* ------------------------------------------------------------ admission */

/* Reserve a place (running or waiting). Returns 0, or 429 when full. */
static int reserve(server *sv) {
  pthread_mutex_lock(&sv->lock);
  int full = sv->running + sv->queued >= sv->o->max_runs + sv->o->max_queue;
  if (full) sv->rejected++;
  else sv->queued++;
  pthread_mutex_unlock(&sv->lock);
  return full ? MHD_HTTP_TOO_MANY_REQUESTS : 0;
}

/* Turn a reservation into a running slot, waiting while max_runs run.
** Returns 0, or 499 when w says stop first (the reservation is dropped). */
static int take_slot(server *sv, watch *w) {
  pthread_mutex_lock(&sv->lock);
  while (sv->running >= sv->o->max_runs) {
    if (watch_poll(w)) {
      sv->queued--;
      sv->cancelled++;
      pthread_cond_broadcast(&sv->cond);
      pthread_mutex_unlock(&sv->lock);
      return CLI_SERVE_STOPPED;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 50 * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&sv->cond, &sv->lock, &ts);
  }
  sv->queued--;
  sv->running++;
  pthread_mutex_unlock(&sv->lock);
  return 0;
}

static void release_slot(server *sv, int status) {
  pthread_mutex_lock(&sv->lock);
  sv->running--;
  if (status == CLI_SERVE_OK) sv->completed++;
  else if (status == CLI_SERVE_STOPPED) sv->cancelled++;
  else if (status >= 500) sv->failed++;
  else sv->invalid++;
  pthread_cond_broadcast(&sv->cond);
  pthread_mutex_unlock(&sv->lock);
}

/* ------------------------------------------------------------ streaming */

typedef struct job {
  server *sv;
  cli_serve_request req;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  volatile sig_atomic_t cancel;
  uint64_t done, total;
  int dirty;                /* progress not yet sent */
  int finished;
  json_t *result;           /* {"result": ...} or {"error": ..., "status": N} */
  char *line;               /* the line being sent */
  size_t line_len, line_off;
  int ended;                /* the last line is out */
} job;

static void job_progress(void *ctx, uint64_t done, uint64_t total) {
  job *j = ctx;
  pthread_mutex_lock(&j->lock);
  j->done = done;
  j->total = total;
  j->dirty = 1;
  pthread_cond_signal(&j->cond);
  pthread_mutex_unlock(&j->lock);
}

static void *job_main(void *arg) {
  job *j = arg;
  server *sv = j->sv;
  watch w = {sv, NULL, &j->cancel, now_s() + sv->o->max_seconds, job_progress, j};
  json_t *out = NULL;
  int status = take_slot(sv, &w);
  if (status == 0) {
    cli_serve_ctl ctl = {watch_poll, watch_progress, &w};
    status = cli_serve_lab_run(sv->lab, &j->req, &ctl, &out);
    release_slot(sv, status);
  }
  json_t *line = status == CLI_SERVE_OK
                     ? json_pack("{s:o}", "result", out)
                     : json_pack("{s:O, s:O, s:i}", "error",
                                 out ? json_object_get(out, "error") : json_string("stopped"),
                                 "errors", out ? json_object_get(out, "errors") : json_array(),
                                 "status", status);
  if (status != CLI_SERVE_OK) json_decref(out);
  pthread_mutex_lock(&j->lock);
  j->result = line;
  j->finished = 1;
  pthread_cond_signal(&j->cond);
  pthread_mutex_unlock(&j->lock);
  return NULL;
}

static ssize_t job_read(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)pos;
  job *j = cls;
  if (j->line_off == j->line_len) {
    free(j->line);
    j->line = NULL;
    j->line_len = j->line_off = 0;
    if (j->ended) return MHD_CONTENT_READER_END_OF_STREAM;
    json_t *doc = NULL;
    pthread_mutex_lock(&j->lock);
    if (!j->finished && !j->dirty) {
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      ts.tv_sec += 1;   /* at least a line a second: a gone client shows up */
      pthread_cond_timedwait(&j->cond, &j->lock, &ts);
    }
    if (j->finished) {
      doc = j->result;
      j->result = NULL;
      j->ended = 1;
    } else {
      doc = json_pack("{s:{s:I, s:I}}", "progress", "done", (json_int_t)j->done, "total",
                      (json_int_t)j->total);
      j->dirty = 0;
    }
    pthread_mutex_unlock(&j->lock);
    char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(doc);
    if (!text) return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = strlen(text);
    char *line = realloc(text, n + 2);
    if (!line) {
      free(text); /* realloc failed: text is still ours */
      return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    j->line = line;
    j->line[n] = '\n';
    j->line_len = n + 1;
  }
  size_t n = j->line_len - j->line_off;
  if (n > max) n = max;
  memcpy(buf, j->line + j->line_off, n);
  j->line_off += n;
  return (ssize_t)n;
}

/* The stream ended (sent, or the client left): stop the job and free it. */
static void job_free(void *cls) {
  job *j = cls;
  j->cancel = 1;
  pthread_join(j->thread, NULL);
  json_decref(j->result);
  free(j->line);
  cli_serve_request_clear(&j->req);
  pthread_mutex_destroy(&j->lock);
  pthread_cond_destroy(&j->cond);
  free(j);
}

static enum MHD_Result start_stream(server *sv, struct MHD_Connection *c, cli_serve_request *req) {
  job *j = calloc(1, sizeof *j);
  if (!j) {
    cli_serve_request_clear(req);
    return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
  }
  if (reserve(sv)) {
    cli_serve_request_clear(req);
    free(j);
    return send_error(c, MHD_HTTP_TOO_MANY_REQUESTS, "busy: every run slot and queue place "
                      "is taken; retry in a moment");
  }
  j->sv = sv;
  j->req = *req;
  memset(req, 0, sizeof *req);
  pthread_mutex_init(&j->lock, NULL);
  pthread_cond_init(&j->cond, NULL);
  if (pthread_create(&j->thread, NULL, job_main, j)) {
    pthread_mutex_lock(&sv->lock);
    sv->queued--;
    pthread_mutex_unlock(&sv->lock);
    cli_serve_request_clear(&j->req);
    free(j);
    return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot start a thread");
  }
  struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, job_read,
                                                             j, job_free);
  if (!r) {
    job_free(j);
    return MHD_NO;
  }
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/x-ndjson");
  MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
  MHD_destroy_response(r);
  return ret;
}

/* ------------------------------------------------------------ routes */

typedef enum op { OP_RUN, OP_SAVE, OP_REPORT } op;

static enum MHD_Result do_post(server *sv, struct MHD_Connection *c, op what, request *rq) {
  cli_serve_request req;
  json_t *err = NULL;
  if (cli_serve_lab_parse(sv->lab, rq->body, rq->len, &req, &err))
    return send_json(c, MHD_HTTP_BAD_REQUEST, err);
  if (what == OP_RUN && req.stream) return start_stream(sv, c, &req);
  if (reserve(sv)) {
    cli_serve_request_clear(&req);
    return send_error(c, MHD_HTTP_TOO_MANY_REQUESTS, "busy: every run slot and queue place is "
                      "taken; retry in a moment");
  }
  watch w = {sv, c, NULL, now_s() + sv->o->max_seconds, NULL, NULL};
  int status = take_slot(sv, &w);
  if (status) {
    cli_serve_request_clear(&req);
    return send_error(c, status, "stopped while waiting for a run slot");
  }
  cli_serve_ctl ctl = {watch_poll, NULL, &w};
  json_t *out = NULL;
  char *html = NULL;
  size_t len = 0;
  if (what == OP_RUN) status = cli_serve_lab_run(sv->lab, &req, &ctl, &out);
  else if (what == OP_SAVE) status = cli_serve_lab_save(sv->lab, &req, &ctl, &out);
  else status = cli_serve_lab_report(sv->lab, &req, &ctl, &html, &len, &out);
  release_slot(sv, status);
  cli_serve_request_clear(&req);
  if (status == CLI_SERVE_STOPPED && *sv->o->stop) status = MHD_HTTP_SERVICE_UNAVAILABLE;
  if (html) {
    json_decref(out);
    struct MHD_Response *r = MHD_create_response_from_buffer(len, html, MHD_RESPMEM_MUST_FREE);
    if (!r) {
      free(html);
      return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION,
                            "attachment; filename=\"drsim-report.html\"");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
  }
  return send_json(c, (unsigned)status, out);
}

static enum MHD_Result do_status(server *sv, struct MHD_Connection *c) {
  pthread_mutex_lock(&sv->lock);
  json_t *doc = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "running",
                          (json_int_t)sv->running, "queued", (json_int_t)sv->queued, "max_runs",
                          (json_int_t)sv->o->max_runs, "max_queue", (json_int_t)sv->o->max_queue,
                          "completed", (json_int_t)sv->completed, "cancelled",
                          (json_int_t)sv->cancelled, "rejected", (json_int_t)sv->rejected,
                          "failed", (json_int_t)sv->failed, "invalid", (json_int_t)sv->invalid);
  pthread_mutex_unlock(&sv->lock);
  return send_json(c, MHD_HTTP_OK, doc);
}

/* "localhost", "127.x.y.z" or "[::1]", with an optional ":port". */
static int host_is_loopback(const char *host) {
  char h[300];
  snprintf(h, sizeof h, "%s", host);
  char *end = h + strlen(h);
  if (h[0] == '[') {
    char *close = strchr(h, ']');
    if (!close) return 0;
    *close = '\0';
    return strcmp(h + 1, "::1") == 0 && (close[1] == '\0' || close[1] == ':');
  }
  char *colon = strchr(h, ':');
  if (colon) end = colon;
  *end = '\0';
  if (strcmp(h, "localhost") == 0) return 1;
  struct in_addr a;
  return inet_pton(AF_INET, h, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

static enum MHD_Result dispatch(server *sv, struct MHD_Connection *c, const char *url,
                                const char *method, request *rq) {
  if (sv->loopback) {
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    if (host && !host_is_loopback(host))
      return send_error(c, MHD_HTTP_FORBIDDEN, "this server answers to localhost only");
  }
  int get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
  int post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
  static const char *const gets[] = {"/", "/api/scenario", "/api/status"};
  static const char *const posts[] = {"/api/run", "/api/save", "/api/report"};
  for (size_t i = 0; i < 3; i++) {
    if (strcmp(url, gets[i]) == 0) {
      if (!get) return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET here");
      if (i == 0) {
        struct MHD_Response *r = MHD_create_response_from_buffer(
            cli_serve_page_len, (void *)cli_serve_page, MHD_RESPMEM_PERSISTENT);
        if (!r) return MHD_NO;
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'none'; script-src 'unsafe-inline'; style-src "
                                "'unsafe-inline'; connect-src 'self'; img-src data: blob:");
        enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
        MHD_destroy_response(r);
        return ret;
      }
      if (i == 1) return send_json(c, MHD_HTTP_OK, cli_serve_lab_scenario_json(sv->lab));
      return do_status(sv, c);
    }
    if (strcmp(url, posts[i]) == 0) {
      if (!post) return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST here");
      if (rq->too_big) {
        char msg[160];
        snprintf(msg, sizeof msg, "the request body is larger than %zu bytes", sv->o->max_body);
        return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, msg);
      }
      const char *type =
          MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
      if (!type || strncmp(type, "application/json", 16) != 0)
        return send_error(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                          "send the request body as Content-Type: application/json");
      return do_post(sv, c, i == 0 ? OP_RUN : i == 1 ? OP_SAVE : OP_REPORT, rq);
    }
  }
  return send_error(c, MHD_HTTP_NOT_FOUND, "no such resource; the page is at /, the API under "
                    "/api/ (scenario, status, run, save, report)");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls) {
  (void)version;
  server *sv = cls;
  request *rq = *con_cls;
  if (!rq) {
    rq = calloc(1, sizeof *rq);
    if (!rq) return MHD_NO;
    *con_cls = rq;
    const char *cl =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > sv->o->max_body) {
      rq->too_big = 1;
      char msg[160];
      snprintf(msg, sizeof msg, "the request body is larger than %zu bytes", sv->o->max_body);
      return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, msg);
    }
    return MHD_YES;
  }
  if (*upload_data_size) {
    size_t n = *upload_data_size;
    *upload_data_size = 0;
    if (rq->too_big) return MHD_YES;
    if (rq->len + n > sv->o->max_body) {
      rq->too_big = 1;
      free(rq->body);
      rq->body = NULL;
      rq->len = rq->cap = 0;
      return MHD_YES;
    }
    if (rq->len + n > rq->cap) {
      size_t cap = rq->cap ? rq->cap : 1024;
      while (cap < rq->len + n) cap *= 2;
      char *bigger = realloc(rq->body, cap);
      if (!bigger) return MHD_NO;
      rq->body = bigger;
      rq->cap = cap;
    }
    memcpy(rq->body + rq->len, upload_data, n);
    rq->len += n;
    return MHD_YES;
  }
  return dispatch(sv, c, url, method, rq);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)c;
  (void)toe;
  request *rq = *con_cls;
  if (rq) {
    free(rq->body);
    free(rq);
    *con_cls = NULL;
  }
}

/* ------------------------------------------------------------ daemon */

/* Percent-decode the URL as libmicrohttpd does, but a URL holding an
** encoded NUL ("/api/run%00") becomes "%00", which no route matches,
** instead of being cut short at the NUL. (The callback also decodes
** query arguments, which no route reads.) */
static size_t unescape(void *cls, struct MHD_Connection *c, char *uri) {
  (void)cls;
  (void)c;
  size_t n = MHD_http_unescape(uri);
  if (strlen(uri) != n) {
    memcpy(uri, "%00", 4);   /* the encoded text held "%00": it fits */
    n = 3;
  }
  return n;
}

int cli_serve_http_is_loopback(const char *addr) {
  if (strcmp(addr, "localhost") == 0 || strcmp(addr, "::1") == 0) return 1;
  struct in_addr a;
  return inet_pton(AF_INET, addr, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

int cli_serve_http_run(cli_serve_lab *lab, const cli_serve_http_options *o) {
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                   MHD_USE_ERROR_LOG;
  const char *addr = strcmp(o->bind, "localhost") == 0 ? "127.0.0.1" : o->bind;
  struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)o->port);
  } else if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)o->port);
    flags |= MHD_USE_IPv6;
  } else {
    cli_error("serve", "--bind '%s' is not a numeric IPv4 or IPv6 address (or localhost)",
              o->bind);
    return CLI_EXIT_USAGE;
  }
  server sv;
  memset(&sv, 0, sizeof sv);
  sv.lab = lab;
  sv.o = o;
  sv.loopback = cli_serve_http_is_loopback(o->bind);
  pthread_mutex_init(&sv.lock, NULL);
  pthread_cond_init(&sv.cond, NULL);
  struct MHD_Daemon *d = MHD_start_daemon(
      flags, (uint16_t)o->port, NULL, NULL, handle, &sv, MHD_OPTION_SOCK_ADDR,
      (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
      MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_NOTIFY_COMPLETED, completed, &sv,
      MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
      MHD_OPTION_END);
  int status = CLI_EXIT_OK;
  if (!d) {
    cli_error("serve", "cannot listen on %s port %u: %s", o->bind, o->port,
              errno ? strerror(errno) : "the address is in use or not on this machine");
    status = CLI_EXIT_IO;
  } else {
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = di ? di->port : o->port;
    int v6 = (flags & MHD_USE_IPv6) != 0;
    printf("drsim serve: listening on http://%s%s%s:%u/ (Ctrl-C stops)\n", v6 ? "[" : "", addr,
           v6 ? "]" : "", port);
    fflush(stdout);
    while (!*o->stop) {
      struct timespec ts = {0, 50 * 1000000L};
      nanosleep(&ts, NULL);
    }
    fprintf(stderr, "drsim serve: stopping: finishing or stopping %u run%s\n", sv.running,
            sv.running == 1 ? "" : "s");
    MHD_stop_daemon(d);   /* joins every connection thread (runs stop at their next chunk) */
  }
  pthread_mutex_destroy(&sv.lock);
  pthread_cond_destroy(&sv.cond);
  return status;
}
