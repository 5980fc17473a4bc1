/*
** study/mpi_parts.c — stored MPI runs without the funnel (see study/mpi.h):
** each rank stores one contiguous slice of the run in its own part
** database, rank 0 absorbs the parts at the end. No trial record travels;
** only the part files do, and only when rank 0 cannot see them (another
** node), as raw file bytes (a part in summary detail is about a tenth of
** the records it holds).
**
** Messages (after the plan, on MPI_COMM_WORLD):
**   ready  rank r -> 0: could it open its part and begin the run there?
**          then go, 0 -> all: every rank works, or none does.
**   stop   0 -> rank r: rank 0 stopped (a signal to rank 0 alone, a failure);
**          rank r polls for it between its blocks.
**   done   rank r -> 0: its slice, trials stored, part size, timings, host
**          and path of the part.
**   fin    0 -> rank r: whether a stop was sent (rank r then receives it if
**          it has not), whether to send the part's bytes; if so, the bytes
**          (after a clear-to-send) and an acknowledgement once rank r
**          removed its copy (only then does rank 0 rename its copy into
**          place: on a shared file system both may name one file).
** Every message sent is received, so the next plan of a sweep starts clean.
**
** Timings, for DRSIM_MPI_VERBOSE and scripts/bench-mpi.sh: per rank the
** wall time of its slice split into storing (inside the store's append)
** and simulating (the rest), and on rank 0 the time to fetch and absorb
** the parts ("merge").
*/
#define _XOPEN_SOURCE 700   /* gethostname */
#ifdef DRSIM_HAVE_MPI

#include "study/mpi_internal.h"
#include "study/trials.h"
#include "models/outcome.h"
#include "reports/merge.h"
#include "reports/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a rank reports when its slice is done. */
typedef struct part_done {
  int64_t status;           /* SIM_RUNNER_* */
  uint64_t first, n;        /* its slice: trials first .. first+n-1 */
  uint64_t done;            /* stored in its part: a prefix of the slice */
  uint64_t bytes;           /* size of its part file */
  double sim_s, store_s;    /* wall seconds simulating and storing */
  char host[64];
  char path[1024];          /* its part on its node ("" when it stored nothing) */
  char msg[240];
} part_done;

typedef struct part_fin {
  int32_t stop_sent;        /* rank 0 sent a stop: receive it if not yet done */
  int32_t want_file;        /* send the part's bytes */
} part_fin;

/* Bytes per message of a part file's transfer. */
#define FILE_PIECE ((uint64_t)16 << 20)

/* Rank r's slice of the n trials from `first`: whole chunks, contiguous. */
static void slice_of(uint64_t first, uint64_t n, uint64_t chunk, int r, int size,
                     uint64_t *s, uint64_t *cnt)
{
  uint64_t chunks = (n + chunk - 1) / chunk;
  uint64_t lo = chunks * (uint64_t)r / (uint64_t)size * chunk;
  uint64_t hi = chunks * (uint64_t)(r + 1) / (uint64_t)size * chunk;
  if (lo > n) lo = n;
  if (hi > n) hi = n;
  *s = first + lo;
  *cnt = hi - lo;
}

static void remove_db(const char *path)
{
  char side[1100];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-journal", path);
  unlink(side);
}

static uint64_t file_size(const char *path)
{
  struct stat sb;
  return stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

/* The store's append, timed. */
typedef struct timed_sink {
  sim_runner_sink_fn sink;  /* rank 0: the run's own sink (study/exec.c) */
  void *ctx;
  report_store *st;         /* ranks > 0: their part */
  int64_t run_id;
  const model_scenario *sc;
  double store_s;
  report_error err;
  int failed;
} timed_sink;

static int timed(void *p, uint64_t first, size_t n, const void *records)
{
  timed_sink *t = p;
  double t0 = study_mpi_now();
  int rc;
  if (t->sink) {
    rc = t->sink(t->ctx, first, n, records);
  } else {
    rc = report_store_run_append(t->st, t->run_id, t->sc, first, n, records,
                                 model_outcome_size(t->sc), &t->err) != REPORT_OK;
    t->failed |= rc;
  }
  t->store_s += study_mpi_now() - t0;
  return rc;
}

/* Run trials s .. s+cnt-1 in blocks into ts; between blocks, stop when
** stopped() says so. Returns a SIM_RUNNER_* status, *done the prefix. */
static int run_blocks(const sim_runner_config *cfg, timed_sink *ts, uint64_t s, uint64_t cnt,
                      uint64_t block, int (*stopped)(void *), void *sctx, uint64_t *done,
                      double *wall)
{
  int status = SIM_RUNNER_OK;
  double t0 = study_mpi_now();
  *done = 0;
  while (*done < cnt && status == SIM_RUNNER_OK) {
    if (stopped(sctx)) {
      status = SIM_RUNNER_INTERRUPTED;
      break;
    }
    sim_runner_config sub = *cfg;
    sub.first_trial = s + *done;
    sub.n_trials = cnt - *done < block ? cnt - *done : block;
    sub.sink = timed;
    sub.sink_ctx = ts;
    sub.progress = NULL;
    uint64_t got = 0;
    status = sim_runner_run(&sub, &got);
    *done += got;
    if (cfg->progress) cfg->progress(cfg->progress_ctx, *done, cnt, study_mpi_now() - t0);
  }
  *wall = study_mpi_now() - t0;
  return status;
}

/* ------------------------------------------------------------ ranks > 0 */

typedef struct follower_stop {
  const volatile sig_atomic_t *flag;
  int received;             /* rank 0's stop message was received */
} follower_stop;

static int follower_stopped(void *p)
{
  follower_stop *f = p;
  if (!f->received) {
    int arrived = 0;
    MPI_Iprobe(0, TAG_STOP, MPI_COMM_WORLD, &arrived, MPI_STATUS_IGNORE);
    if (arrived) {
      int32_t v;
      study_mpi_recv_bytes(&v, sizeof v, 0, TAG_STOP);
      f->received = 1;
    }
  }
  return f->received || (f->flag && *f->flag);
}

/* Send the part file at path to rank 0 (which sent the clear-to-send). */
static int send_file(const char *path, uint64_t bytes)
{
  FILE *f = fopen(path, "rb");
  unsigned char *buf = malloc(FILE_PIECE);
  int rc = f && buf ? 0 : -1;
  int32_t cts = 0;
  study_mpi_recv_bytes(&cts, sizeof cts, 0, TAG_CTS);
  while (bytes) {
    uint64_t k = bytes < FILE_PIECE ? bytes : FILE_PIECE;
    /* A read that fails still sends k bytes: the receiver checks the part. */
    if (rc == 0 && fread(buf, 1, k, f) != k) rc = -1;
    if (rc != 0 && buf) memset(buf, 0, k);
    MPI_Send(buf ? buf : (void *)&cts, buf ? (int)k : 0, MPI_BYTE, 0, TAG_DATA, MPI_COMM_WORLD);
    bytes -= k;
  }
  if (f) fclose(f);
  free(buf);
  return rc;
}

int study_mpi_parts_follow(const sim_runner_config *cfg, const model_scenario *sc,
                           const follow_plan *fp, const char *why)
{
  const plan_head *h = &fp->h;
  part_done d;
  memset(&d, 0, sizeof d);
  slice_of(h->first, h->n, h->chunk, fp->rank, fp->size, &d.first, &d.n);
  gethostname(d.host, sizeof d.host - 1);
  report_store *st = NULL;
  int64_t run_id = 0;
  report_error rerr;
  block_head ready;
  memset(&ready, 0, sizeof ready);
  if (!cfg) {
    ready.status = SIM_RUNNER_EWORKER;
    snprintf(ready.msg, sizeof ready.msg, "%s", why ? why : "cannot take part");
  } else if (d.n) {
    /* Its part: beside rank 0's database, or in DRSIM_MPI_PART_DIR (node-local). */
    const char *dir = getenv("DRSIM_MPI_PART_DIR");
    const char *base = strrchr(fp->db_path, '/');
    char target[1024];
    if (dir && *dir)
      snprintf(target, sizeof target, "%s/%s", dir, base ? base + 1 : fp->db_path);
    else
      snprintf(target, sizeof target, "%s", fp->db_path);
    if (report_merge_part_name(d.path, sizeof d.path, target, d.first) != 0) {
      ready.status = SIM_RUNNER_ESINK;
      snprintf(ready.msg, sizeof ready.msg, "the path of its part is too long");
    } else {
      remove_db(d.path);
      report_run_info info;
      memset(&info, 0, sizeof info);
      info.scenario_text = fp->text;
      info.overrides = fp->overrides;
      info.n_overrides = h->n_overrides;
      info.seed = h->seed;
      info.trials = d.n;
      info.first_trial = d.first;
      info.detail = (report_detail)h->detail;
      info.threads = study_trials_threads((unsigned)h->threads);
      info.point = -1;
      if (report_store_open(d.path, REPORT_STORE_READWRITE, &st, &rerr) != REPORT_OK ||
          report_store_run_begin(st, &info, sc, &run_id, &rerr) != REPORT_OK) {
        ready.status = SIM_RUNNER_ESINK;
        snprintf(ready.msg, sizeof ready.msg, "cannot store its part: %.200s", rerr.text);
      }
    }
  }
  study_mpi_send_bytes(&ready, sizeof ready, 0, TAG_READY);
  int32_t go = 0;
  MPI_Request rq;
  MPI_Ibcast(&go, sizeof go, MPI_BYTE, 0, MPI_COMM_WORLD, &rq);
  study_mpi_wait(&rq);
  follower_stop fs = {cfg ? cfg->stop_flag : NULL, 0};
  int status = go && ready.status == SIM_RUNNER_OK ? SIM_RUNNER_OK : SIM_RUNNER_EWORKER;
  if (go && st) {
    timed_sink ts;
    memset(&ts, 0, sizeof ts);
    ts.st = st;
    ts.run_id = run_id;
    ts.sc = sc;
    double wall = 0;
    sim_runner_config c = *cfg;
    c.progress = NULL;
    status = run_blocks(&c, &ts, d.first, d.n, h->block, follower_stopped, &fs, &d.done, &wall);
    d.store_s = ts.store_s;
    d.sim_s = wall - ts.store_s;
    if (status < 0)
      snprintf(d.msg, sizeof d.msg, "%.200s", ts.failed ? ts.err.text : sim_runner_strerror(status));
    report_run_status final = status == SIM_RUNNER_OK ? REPORT_RUN_COMPLETE
                            : status == SIM_RUNNER_INTERRUPTED || ts.failed ? REPORT_RUN_INTERRUPTED
                            : REPORT_RUN_FAILED;
    report_store_run_finish(st, run_id, final, &rerr);
  }
  report_store_close(st);
  if (st && d.done == 0) remove_db(d.path);   /* nothing worth keeping */
  if (d.done == 0) d.path[0] = '\0';
  d.bytes = d.done ? file_size(d.path) : 0;
  d.status = status;
  study_mpi_send_bytes(&d, sizeof d, 0, TAG_DONE);
  part_fin fin;
  study_mpi_recv_bytes(&fin, sizeof fin, 0, TAG_FIN);
  if (fin.stop_sent && !fs.received) {
    int32_t v;
    study_mpi_recv_bytes(&v, sizeof v, 0, TAG_STOP);
  }
  if (fin.want_file) {
    send_file(d.path, d.bytes);
    remove_db(d.path);     /* rank 0 holds it now */
    int32_t gone = 1;
    study_mpi_send_bytes(&gone, sizeof gone, 0, TAG_ACK);
  }
  return status;
}

/* ------------------------------------------------------------ rank 0 */

static int lead_stopped(void *p)
{
  const volatile sig_atomic_t *flag = p;
  return flag && *flag;
}

/* Receive rank r's part file of `bytes` into path (a temporary name, then
** renamed once rank r removed its copy). Returns 0, or -1. */
static int recv_file(int r, const char *path, uint64_t bytes)
{
  char tmp[1100];
  snprintf(tmp, sizeof tmp, "%s.recv-%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  unsigned char *buf = malloc(FILE_PIECE);
  int rc = f && buf ? 0 : -1;
  int32_t cts = 1;
  study_mpi_send_bytes(&cts, sizeof cts, r, TAG_CTS);
  while (bytes) {
    uint64_t k = bytes < FILE_PIECE ? bytes : FILE_PIECE;
    if (buf) {
      MPI_Recv(buf, (int)k, MPI_BYTE, r, TAG_DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (rc == 0 && fwrite(buf, 1, k, f) != k) rc = -1;
    } else {
      MPI_Recv(&cts, 0, MPI_BYTE, r, TAG_DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    bytes -= k;
  }
  if (f && fclose(f) != 0) rc = -1;
  free(buf);
  int32_t gone = 0;
  study_mpi_recv_bytes(&gone, sizeof gone, r, TAG_ACK);
  if (rc == 0) {
    remove_db(path);
    if (rename(tmp, path) != 0) rc = -1;
  }
  if (rc != 0) unlink(tmp);
  return rc;
}

int study_mpi_parts_lead(const study_mpi_job *x, const sim_runner_config *cfg,
                         uint64_t block, uint64_t *delivered, int size)
{
  if (delivered) *delivered = 0;
  /* Every rank says whether it could begin its part; all go, or none. */
  int32_t go = 1;
  for (int r = 1; r < size; r++) {
    block_head rh;
    study_mpi_recv_bytes(&rh, sizeof rh, r, TAG_READY);
    rh.msg[sizeof rh.msg - 1] = '\0';
    if (rh.status != SIM_RUNNER_OK) {
      fprintf(stderr, "drsim: MPI rank %d: %s\n", r, rh.msg[0] ? rh.msg : "cannot take part");
      go = 0;
    }
  }
  MPI_Request rq;
  MPI_Ibcast(&go, sizeof go, MPI_BYTE, 0, MPI_COMM_WORLD, &rq);
  study_mpi_wait(&rq);
  part_done *d = calloc((size_t)size, sizeof *d);
  int32_t *stop_sent = calloc((size_t)size, sizeof *stop_sent);
  if (!d || !stop_sent) {
    fprintf(stderr, "drsim: MPI: out of memory\n");
    MPI_Abort(MPI_COMM_WORLD, EXIT_IO);
  }
  /* Rank 0's slice, the run's first, straight into the run. */
  slice_of(cfg->first_trial, cfg->n_trials, cfg->chunk, 0, size, &d[0].first, &d[0].n);
  timed_sink ts;
  memset(&ts, 0, sizeof ts);
  ts.sink = cfg->sink;
  ts.ctx = cfg->sink_ctx;
  double wall = 0;
  int status = SIM_RUNNER_EWORKER;
  if (go) {
    status = run_blocks(cfg, &ts, d[0].first, d[0].n, block, lead_stopped,
                        (void *)x->stop_flag, &d[0].done, &wall);
    d[0].store_s = ts.store_s;
    d[0].sim_s = wall - ts.store_s;
    if (status != SIM_RUNNER_OK)   /* the other ranks stop too */
      for (int r = 1; r < size; r++) {
        int32_t v = 1;
        study_mpi_send_bytes(&v, sizeof v, r, TAG_STOP);
        stop_sent[r] = 1;
      }
  }
  /* Collect the parts: what each rank stored, and its file. */
  double m0 = study_mpi_now();
  char host[64] = "";
  gethostname(host, sizeof host - 1);
  const char *force = getenv("DRSIM_MPI_SEND_PARTS");   /* tests: as if on other nodes */
  int fetch_all = force && *force && strcmp(force, "0") != 0;
  uint64_t fetched = 0;
  char (*target)[1024] = calloc((size_t)size, sizeof *target);
  if (!target) MPI_Abort(MPI_COMM_WORLD, EXIT_IO);
  for (int r = 1; r < size; r++) {
    study_mpi_recv_bytes(&d[r], sizeof d[r], r, TAG_DONE);
    d[r].host[sizeof d[r].host - 1] = d[r].path[sizeof d[r].path - 1] = '\0';
    d[r].msg[sizeof d[r].msg - 1] = '\0';
    if (d[r].status < 0 && go)
      fprintf(stderr, "drsim: MPI rank %d: %s\n", r, d[r].msg[0] ? d[r].msg : "failed");
  }
  double wait_s = study_mpi_now() - m0;   /* for the slowest rank */
  m0 = study_mpi_now();
  for (int r = 1; r < size; r++) {
    part_fin fin = {stop_sent[r], 0};
    if (d[r].done && report_merge_part_name(target[r], sizeof target[r], x->store_path,
                                            d[r].first) == 0)
      fin.want_file = fetch_all || strcmp(d[r].host, host) != 0 ||
                      strcmp(d[r].path, target[r]) != 0;
    else if (d[r].done)
      target[r][0] = '\0';
    study_mpi_send_bytes(&fin, sizeof fin, r, TAG_FIN);
    if (fin.want_file) {
      if (recv_file(r, target[r], d[r].bytes) != 0) {
        fprintf(stderr, "drsim: MPI rank %d: cannot write its part to %s: %s\n", r, target[r],
                strerror(errno));
        target[r][0] = '\0';
      } else {
        fetched += d[r].bytes;
      }
    }
  }
  /* Absorb the parts that continue the run, in trial order; keep the rest
  ** beside the database for --resume. */
  uint64_t end = d[0].first + d[0].done;
  int absorbing = d[0].done == d[0].n, absorb_failed = 0;
  for (int r = 1; r < size; r++) {
    if (!d[r].n) continue;
    if (absorbing && d[r].done && target[r][0] && d[r].first == end) {
      uint64_t got = 0;
      report_error err;
      if (report_merge_absorb(x->store_path, x->run_id, target[r], &got, &err) != REPORT_OK) {
        fprintf(stderr, "drsim: MPI: cannot absorb the part of rank %d: %s\n", r, err.text);
        absorb_failed = 1;
        absorbing = 0;
        continue;
      }
      end += got;
      remove_db(target[r]);
    }
    if (d[r].done != d[r].n || d[r].first != end - d[r].done) absorbing = 0;
  }
  double merge_s = study_mpi_now() - m0;
  /* How it went: the first failure, else interrupted unless complete. */
  int overall = status;
  for (int r = 1; r < size && overall >= 0; r++)
    if (d[r].status < 0) overall = (int)d[r].status;
  if (overall >= 0 && absorb_failed) overall = SIM_RUNNER_ESINK;
  if (overall >= 0)
    overall = end == cfg->first_trial + cfg->n_trials ? SIM_RUNNER_OK : SIM_RUNNER_INTERRUPTED;
  if (study_mpi_verbose()) {
    uint64_t total = 0;
    for (int r = 0; r < size; r++) total += d[r].done;
    fprintf(stderr, "drsim: MPI: %llu trials in %d slices over %d ranks (parts, each rank "
            "stores its own); stored by rank:", (unsigned long long)total, size, size);
    for (int r = 0; r < size; r++) fprintf(stderr, " %llu", (unsigned long long)d[r].done);
    fprintf(stderr, "; 0 record bytes gathered; %llu part bytes fetched\n",
            (unsigned long long)fetched);
    for (int r = 0; r < size; r++)
      fprintf(stderr, "drsim: MPI rank %d: %llu trials, simulate %.3f s, store %.3f s, part "
              "%llu bytes%s\n", r, (unsigned long long)d[r].done, d[r].sim_s, d[r].store_s,
              (unsigned long long)d[r].bytes, r ? "" : " (the run itself)");
    fprintf(stderr, "drsim: MPI: merge %.3f s (fetch and absorb %d parts, after waiting %.3f s "
            "for the other ranks); %llu trials kept in the run\n", merge_s, size - 1, wait_s,
            (unsigned long long)(end - cfg->first_trial));
  }
  free(target);
  free(stop_sent);
  free(d);
  if (delivered) *delivered = end - cfg->first_trial;
  return overall;
}

#else
/* Without MPI this file is empty; ISO C wants a declaration in it. */
typedef int study_mpi_parts_unused;
#endif
