/*
** study/mpi.c — runs spread over MPI ranks (see study/mpi.h for the
** scheme). The only file of drsim that calls MPI; compiled to nothing
** without DRSIM_HAVE_MPI.
**
** Messages, all on MPI_COMM_WORLD (drsim uses no other communication):
**   plan   rank 0 -> all, MPI_Ibcast: plan_head, then its payload (scenario
**          text, source name, text hash, overrides). kind PLAN_END ends the
**          other ranks' loop.
**   ready  rank r -> 0: can it take part (same model: text hash and the
**          first trial's fingerprint, memory)? then go, 0 -> all (Ibcast):
**          every rank works, or none does and nothing is stored.
**   block  rank r -> 0: block_head (status, trials that follow); when rank
**          0 gets to it, a clear-to-send 0 -> r, then the trials' records
**          (raw bytes).
**   ack    0 -> rank r, after rank 0 stored the block: continue or stop.
** Rank r sends block b only after the ack of its previous block, so at most
** one block per rank is in flight, and after rank 0 stops at block b it
** knows exactly which message each rank still owes (its first block after
** b) and collects it before telling the rank to stop: no message is left
** unreceived, so the next plan of a sweep starts clean.
**
** Waits that can be long (for a plan, a block, an acknowledgement, a
** clear-to-send) poll with a short sleep instead of MPI's blocking calls:
** Open MPI busy-waits in those, and a rank waiting for rank 0 would take a
** core from the workers of a rank on the same machine. The block data
** itself moves with blocking calls once both sides are ready.
**
** MPI errors abort the job (MPI's default handler): a lost rank cannot be
** recovered within MPI, and the trials already stored stay resumable.
**
** The one place in study/ that writes to stderr: the ranks > 0 have no
** caller to hand a message to, and rank 0's notes about the other ranks
** (a rank that cannot take part, DRSIM_MPI_VERBOSE) are about the job, not
** the study.
*/
#ifdef DRSIM_HAVE_MPI

#include "study/mpi.h"
#include "study/mpi_internal.h"
#include "study/trials.h"
#include "models/diag.h"
#include "models/outcome.h"

#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------ transport */

void study_mpi_wait(MPI_Request *r)
{
  const struct timespec nap = {0, 100000};   /* 0.1 ms */
  for (;;) {
    int done = 0;
    MPI_Test(r, &done, MPI_STATUS_IGNORE);
    if (done) return;
    nanosleep(&nap, NULL);
  }
}

void study_mpi_send_bytes(const void *buf, uint64_t n, int dest, int tag)
{
  MPI_Request r;
  MPI_Isend(buf, (int)n, MPI_BYTE, dest, tag, MPI_COMM_WORLD, &r);
  study_mpi_wait(&r);
}

void study_mpi_recv_bytes(void *buf, uint64_t n, int src, int tag)
{
  MPI_Request r;
  MPI_Irecv(buf, (int)n, MPI_BYTE, src, tag, MPI_COMM_WORLD, &r);
  study_mpi_wait(&r);
}

/* Bytes per data message: MPI counts are ints, and a block of many threads'
** results can exceed 2 GiB (--threads 280 did: MPI_ERR_COUNT), so a block
** travels as pieces of at most this much, in order (MPI keeps the order of
** messages between two ranks with one tag). DRSIM_MPI_PIECE_BYTES lowers it
** (tests exercise the splitting with small runs). */
#define DATA_PIECE_MAX ((uint64_t)1 << 30)

static uint64_t data_piece(void)
{
  const char *e = getenv("DRSIM_MPI_PIECE_BYTES");
  if (e && *e) {
    char *end;
    unsigned long long v = strtoull(e, &end, 10);
    if (!*end && v >= 1 && v < DATA_PIECE_MAX) return v;
  }
  return DATA_PIECE_MAX;
}

/* Block data: both sides are in these calls at once (the sender waits for
** a clear-to-send first), so MPI's own busy progress moves the fragments
** at full speed; a sleepy poll would stall between fragments. */
void study_mpi_send_data(const void *buf, uint64_t n, int dest)
{
  const unsigned char *p = buf;
  uint64_t piece = data_piece();
  while (n) {
    uint64_t k = n < piece ? n : piece;
    MPI_Send(p, (int)k, MPI_BYTE, dest, TAG_DATA, MPI_COMM_WORLD);
    p += k;
    n -= k;
  }
}

void study_mpi_recv_data(void *buf, uint64_t n, int src)
{
  int32_t cts = 1;
  study_mpi_send_bytes(&cts, sizeof cts, src, TAG_CTS);
  unsigned char *p = buf;
  uint64_t piece = data_piece();
  while (n) {
    uint64_t k = n < piece ? n : piece;
    MPI_Recv(p, (int)k, MPI_BYTE, src, TAG_DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    p += k;
    n -= k;
  }
}

static void bcast_bytes(void *buf, uint64_t n)
{
  MPI_Request r;
  MPI_Ibcast(buf, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD, &r);
  study_mpi_wait(&r);
}

static void world(int *rank, int *size)
{
  int up = 0, down = 0;
  MPI_Initialized(&up);
  if (up) MPI_Finalized(&down);
  if (!up || down) {
    *rank = 0;
    *size = 1;
    return;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
}

double study_mpi_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ------------------------------------------------------------ blocks */

/* FNV-1a 64 of the record of the run's first trial. The text hash cannot
** tell whether rank 0 changed its scenario in memory after loading it (a
** sweep scaling a parameter in place, say) while the other ranks rebuild it
** from the text: then the same trial gives other results, and comparing
** this fingerprint catches it before any trial is stored. Records compare
** bytewise (the models clear them, padding included). 0: not computed. */
static uint64_t probe_trial(const sim_runner_config *cfg)
{
  void *w = cfg->worker_new ? cfg->worker_new(cfg->worker_arg) : NULL;
  unsigned char *rec = calloc(1, cfg->result_size);
  uint64_t h = 0;
  if (w && rec && cfg->trial(w, cfg->first_trial, rec) == 0) {
    h = UINT64_C(14695981039346656037);
    for (size_t i = 0; i < cfg->result_size; i++) {
      h ^= rec[i];
      h *= UINT64_C(1099511628211);
    }
    if (h == 0) h = 1;
  }
  free(rec);
  if (w && cfg->worker_free) cfg->worker_free(w);
  return h;
}

/* Trials per block: about 4 blocks per rank (the last blocks balance the
** ranks' ends), whole chunks (so rank 0 appends exactly the chunks a single
** process would), at most BLOCK_BYTES_CAP unless rank 0's threads need 2
** chunks each to stay busy. */
static uint64_t block_trials(uint64_t n, int size, uint64_t chunk, uint64_t rs, unsigned threads)
{
  uint64_t want = n / (4 * (uint64_t)size);
  want = (want + chunk - 1) / chunk * chunk;
  uint64_t cap = BLOCK_BYTES_CAP / rs / chunk * chunk;
  uint64_t busy = 2 * (uint64_t)threads * chunk;
  if (cap < busy) cap = busy;
  if (want > cap) want = cap;
  return want < chunk ? chunk : want;
}

/* The smallest block index > b that belongs to rank r. */
static uint64_t next_block_of(uint64_t b, int r, int size)
{
  uint64_t s = (uint64_t)size, k = b + 1;
  return k + ((uint64_t)r + s - k % s) % s;
}

typedef struct buffer_sink {
  unsigned char *buf;
  uint64_t first;           /* trial of buf[0] */
  size_t rs;
} buffer_sink;

static int to_buffer(void *ctx, uint64_t first, size_t n, const void *records)
{
  buffer_sink *s = ctx;
  memcpy(s->buf + (first - s->first) * s->rs, records, n * s->rs);
  return 0;
}

/* Rank > 0: say whether this rank can take part (cfg NULL: it cannot, why
** says why), wait for rank 0's go, then run this rank's blocks and hand
** each to rank 0, until the blocks end or rank 0 says stop. */
static int follow(const sim_runner_config *cfg, const follow_plan *fp, const char *why,
                  uint64_t *delivered)
{
  const plan_head *h = &fp->h;
  uint64_t nb = (h->n + h->block - 1) / h->block, done = 0;
  unsigned char *buf = cfg ? malloc(h->block * h->record_size) : NULL;
  block_head ready;
  memset(&ready, 0, sizeof ready);
  if (!cfg) {
    ready.status = SIM_RUNNER_EWORKER;
    snprintf(ready.msg, sizeof ready.msg, "%s", why);
  } else if (!buf) {
    ready.status = SIM_RUNNER_ENOMEM;
    snprintf(ready.msg, sizeof ready.msg, "out of memory for a block of %llu trials",
             (unsigned long long)h->block);
  }
  study_mpi_send_bytes(&ready, sizeof ready, 0, TAG_READY);
  int32_t go = 0;
  bcast_bytes(&go, sizeof go);
  int status = go ? SIM_RUNNER_OK : SIM_RUNNER_EWORKER;
  for (uint64_t b = (uint64_t)fp->rank; go && b < nb; b += (uint64_t)fp->size) {
    uint64_t off = b * h->block;
    uint64_t cnt = h->n - off < h->block ? h->n - off : h->block;
    block_head bh;
    memset(&bh, 0, sizeof bh);
    sim_runner_config sub = *cfg;
    buffer_sink bs = {buf, h->first + off, cfg->result_size};
    sub.first_trial = h->first + off;
    sub.n_trials = cnt;
    sub.sink = to_buffer;
    sub.sink_ctx = &bs;
    sub.progress = NULL;
    uint64_t got = 0;
    bh.status = sim_runner_run(&sub, &got);
    bh.n = got;
    if (bh.status < 0) snprintf(bh.msg, sizeof bh.msg, "%s", sim_runner_strerror((int)bh.status));
    done += got;
    study_mpi_send_bytes(&bh, sizeof bh, 0, TAG_HDR);
    if (bh.n && !h->discard) {
      int32_t cts = 0;
      study_mpi_recv_bytes(&cts, sizeof cts, 0, TAG_CTS);   /* rank 0 may be busy: wait asleep */
      study_mpi_send_data(buf, bh.n * h->record_size, 0);
    }
    int32_t ack = 0;
    study_mpi_recv_bytes(&ack, sizeof ack, 0, TAG_ACK);
    status = (int)bh.status;
    if (ack != ACK_CONTINUE || status != SIM_RUNNER_OK) break;
  }
  free(buf);
  if (delivered) *delivered = done;
  return status;
}

int study_mpi_verbose(void)
{
  const char *v = getenv("DRSIM_MPI_VERBOSE");
  return v && *v && strcmp(v, "0") != 0;
}

/* Rank 0: send the plan. Returns 0, or -1 (nothing sent) when it cannot. */
static int send_plan(const study_mpi_job *x, const sim_runner_config *cfg, uint64_t block)
{
  const char *source = x->sc->source ? x->sc->source : "<scenario>";
  const char *hash = x->sc->text_hash ? x->sc->text_hash : "";
  plan_head h;
  memset(&h, 0, sizeof h);
  h.kind = PLAN_RUN;
  h.seed = x->seed;
  h.first = cfg->first_trial;
  h.n = cfg->n_trials;
  h.threads = x->threads;
  h.block = block;
  h.chunk = cfg->chunk;
  h.record_size = cfg->result_size;
  h.probe = probe_trial(cfg);
  h.discard = x->discard != 0;
  h.parts = x->store_path != NULL;
  h.detail = (uint64_t)x->detail;
  h.path_len = x->store_path ? strlen(x->store_path) : 0;
  h.text_len = strlen(x->scenario_text);
  h.source_len = strlen(source);
  h.hash_len = strlen(hash);
  h.n_overrides = x->n_overrides;
  for (size_t i = 0; i < x->n_overrides; i++) h.overrides_len += strlen(x->overrides[i]) + 1;
  uint64_t total = h.text_len + h.source_len + h.hash_len + h.overrides_len + h.path_len + 4;
  if (total > INT32_MAX) return -1;
  char *payload = malloc(total);
  if (!payload) return -1;
  char *p = payload;
  memcpy(p, x->scenario_text, h.text_len + 1); p += h.text_len + 1;
  memcpy(p, source, h.source_len + 1);         p += h.source_len + 1;
  memcpy(p, hash, h.hash_len + 1);             p += h.hash_len + 1;
  for (size_t i = 0; i < x->n_overrides; i++) {
    size_t m = strlen(x->overrides[i]) + 1;
    memcpy(p, x->overrides[i], m);
    p += m;
  }
  memcpy(p, x->store_path ? x->store_path : "", h.path_len + 1);
  bcast_bytes(&h, sizeof h);
  bcast_bytes(payload, total);
  free(payload);
  return 0;
}

/* Rank 0: the run over all ranks. */
static int lead(const study_mpi_job *x, const sim_runner_config *cfg, uint64_t *delivered, int size)
{
  uint64_t n = cfg->n_trials, chunk = cfg->chunk, rs = cfg->result_size;
  uint64_t block = block_trials(n, size, chunk, rs, study_trials_threads(x->threads));
  if (x->store_path) {
    if (send_plan(x, cfg, block) != 0) {
      fprintf(stderr, "drsim: warning: cannot send the run to the other MPI ranks (out of "
              "memory); running on rank 0 alone\n");
      return sim_runner_run(cfg, delivered);
    }
    return study_mpi_parts_lead(x, cfg, block, delivered, size);
  }
  unsigned char *buf = malloc(block * rs);
  if (!buf || send_plan(x, cfg, block) != 0) {
    free(buf);
    fprintf(stderr, "drsim: warning: cannot send the run to the other MPI ranks (out of "
            "memory); running on rank 0 alone\n");
    return sim_runner_run(cfg, delivered);
  }
  /* Every rank says whether it rebuilt the same model; all go, or none. */
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
  bcast_bytes(&go, sizeof go);
  if (!go) {
    free(buf);
    if (delivered) *delivered = 0;
    return SIM_RUNNER_EWORKER;
  }
  uint64_t nb = (n + block - 1) / block, done = 0, b;
  int status = SIM_RUNNER_OK, told_stop = -1;
  uint64_t *per_rank = calloc((size_t)size, sizeof *per_rank);   /* trials stored, by rank */
  uint64_t gathered = 0;    /* record bytes received from the other ranks */
  double t0 = study_mpi_now();
  for (b = 0; b < nb; b++) {
    uint64_t off = b * block, cnt = n - off < block ? n - off : block;
    uint64_t first = cfg->first_trial + off;
    int owner = (int)(b % (uint64_t)size);
    if (owner == 0) {
      sim_runner_config sub = *cfg;
      sub.first_trial = first;
      sub.n_trials = cnt;
      sub.progress = NULL;
      uint64_t got = 0;
      status = sim_runner_run(&sub, &got);
      done += got;
      if (per_rank) per_rank[0] += got;
    } else {
      block_head bh;
      study_mpi_recv_bytes(&bh, sizeof bh, owner, TAG_HDR);
      bh.msg[sizeof bh.msg - 1] = '\0';
      if (bh.n > cnt) {   /* a rank with another plan: never store it */
        fprintf(stderr, "drsim: rank %d sent %llu trials for a block of %llu\n", owner,
                (unsigned long long)bh.n, (unsigned long long)cnt);
        abort();
      }
      if (bh.n && !x->discard) {
        study_mpi_recv_data(buf, bh.n * rs, owner);
        gathered += bh.n * rs;
      }
      uint64_t w = x->discard ? bh.n : 0;   /* discarded: counted, never sent */
      int sink_failed = 0;
      while (w < bh.n && !sink_failed) {
        size_t k = (size_t)(bh.n - w < chunk ? bh.n - w : chunk);
        if (cfg->sink(cfg->sink_ctx, first + w, k, buf + w * rs)) sink_failed = 1;
        else w += k;
      }
      done += w;
      if (per_rank) per_rank[owner] += w;
      status = sink_failed ? SIM_RUNNER_ESINK : (int)bh.status;
      if (status == SIM_RUNNER_OK && bh.n != cnt) status = SIM_RUNNER_ETRIAL;
      if (bh.status < 0)
        fprintf(stderr, "drsim: MPI rank %d: %s\n", owner, bh.msg[0] ? bh.msg : "failed");
      int32_t ack = status == SIM_RUNNER_OK ? ACK_CONTINUE : ACK_STOP;
      study_mpi_send_bytes(&ack, sizeof ack, owner, TAG_ACK);
      if (ack == ACK_STOP) told_stop = owner;
    }
    /* A signal to rank 0 alone (kill -INT) stops the run after this block. */
    if (status == SIM_RUNNER_OK && x->stop_flag && *x->stop_flag && b + 1 < nb)
      status = SIM_RUNNER_INTERRUPTED;
    if (cfg->progress) cfg->progress(cfg->progress_ctx, done, n, study_mpi_now() - t0);
    if (status != SIM_RUNNER_OK) break;
  }
  /* Stopped at block b: collect the one block each rank still owes. */
  if (b < nb)
    for (int r = 1; r < size; r++) {
      uint64_t k = next_block_of(b, r, size);
      if (r == told_stop || k >= nb) continue;
      block_head bh;
      study_mpi_recv_bytes(&bh, sizeof bh, r, TAG_HDR);
      if (bh.n > block) abort();
      if (bh.n && !x->discard) study_mpi_recv_data(buf, bh.n * rs, r);
      int32_t ack = ACK_STOP;
      study_mpi_send_bytes(&ack, sizeof ack, r, TAG_ACK);
    }
  /* Diagnostics: which rank computed how much (tests check the spread). */
  if (study_mpi_verbose() && per_rank) {
    fprintf(stderr, "drsim: MPI: %llu trials in %llu blocks of %llu (%.1f MiB a block, %llu bytes "
            "a trial) over %d ranks; stored by rank:", (unsigned long long)done,
            (unsigned long long)nb, (unsigned long long)block,
            (double)(block * rs) / (1 << 20), (unsigned long long)rs, size);
    for (int r = 0; r < size; r++) fprintf(stderr, " %llu", (unsigned long long)per_rank[r]);
    fprintf(stderr, "; %llu record bytes gathered\n", (unsigned long long)gathered);
  }
  free(per_rank);
  free(buf);
  if (delivered) *delivered = done;
  return status;
}

/* Rank > 0: check that this rank's configuration gives rank 0's model,
** then follow the plan. */
static int follow_checked(const sim_runner_config *cfg, const model_scenario *sc,
                          const follow_plan *fp)
{
  const char *why = NULL;
  if (cfg->chunk != fp->h.chunk || cfg->result_size != fp->h.record_size)
    why = "its drsim cuts runs differently from rank 0's (another build?); run the same "
          "binary on every rank";
  else if (fp->h.probe && probe_trial(cfg) != fp->h.probe)
    why = "the scenario rebuilt from rank 0's text gives other results for the first trial "
          "(changed in memory after loading? another drsim build or samples file?); "
          "refusing to mix results";
  if (fp->h.parts) return study_mpi_parts_follow(why ? NULL : cfg, sc, fp, why);
  return follow(why ? NULL : cfg, fp, why, NULL);
}

int study_mpi_exec(const study_mpi_job *x, const sim_runner_config *cfg, uint64_t *delivered)
{
  int rank, size;
  world(&rank, &size);
  if (size == 1 || rank > 0 || cfg->n_trials == 0 || cfg->chunk == 0)
    return sim_runner_run(cfg, delivered);
  if (!x->scenario_text) {
    fprintf(stderr, "drsim: warning: this command does not pass its scenario to the other "
            "MPI ranks; running on rank 0 alone\n");
    return sim_runner_run(cfg, delivered);
  }
  return lead(x, cfg, delivered, size);
}

/* ------------------------------------------------------------ ranks > 0 */

static volatile sig_atomic_t follower_stop = 0;

static void on_signal(int sig)
{
  (void)sig;
  follower_stop = 1;
}

/* Rebuild the plan's scenario; NULL with the reason in why[]. */
static model_scenario *rebuild(follow_plan *fp, const char *payload, const char **overrides,
                               char *why, size_t whylen)
{
  const plan_head *h = &fp->h;
  const char *text = payload;
  const char *source = text + h->text_len + 1;
  const char *hash = source + h->source_len + 1;
  const char *ov = hash + h->hash_len + 1;
  model_diag *diag = model_diag_new();
  model_scenario *sc = NULL;
  for (uint64_t i = 0; i < h->n_overrides; i++) {
    overrides[i] = ov;
    ov += strlen(ov) + 1;
  }
  fp->text = text;
  fp->overrides = overrides;
  fp->db_path = ov;
  if (!diag) {
    snprintf(why, whylen, "out of memory");
    goto out;
  }
  /* Rank 0 loaded this text first and refused any samples file outside
  ** the scenario's folder or its --allow-path folders, which the other
  ** ranks do not know: they read the same paths unconfined, and the hash
  ** check below (it covers the files' content) catches any other file. */
  static const char *const anywhere[] = {"/"};
  model_load_opts lo;
  memset(&lo, 0, sizeof lo);
  lo.allow_paths = anywhere;
  lo.n_allow_paths = 1;
  if (model_scenario_load_string_opts(text, h->text_len, source, overrides, h->n_overrides, &lo,
                                      &sc, diag) != 0) {
    if (model_diag_count(diag) > 0)
      snprintf(why, whylen, "cannot rebuild the scenario: %s:%d:%d: %s", model_diag_file(diag, 0),
               model_diag_line(diag, 0), model_diag_col(diag, 0), model_diag_message(diag, 0));
    else
      snprintf(why, whylen, "cannot rebuild the scenario");
    sc = NULL;
    goto out;
  }
  if (strcmp(sc->text_hash ? sc->text_hash : "", hash) != 0) {
    snprintf(why, whylen, "rebuilt the scenario with hash %s, not rank 0's %s (does every "
             "rank see the same files?)", sc->text_hash ? sc->text_hash : "?", hash);
    model_scenario_free(sc);
    sc = NULL;
  }
out:
  model_diag_free(diag);
  return sc;
}

/* Serve rank 0's plans until PLAN_END. */
static int serve(int rank, int size)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  for (;;) {
    follow_plan fp;
    memset(&fp, 0, sizeof fp);
    fp.rank = rank;
    fp.size = size;
    bcast_bytes(&fp.h, sizeof fp.h);
    if (fp.h.kind == PLAN_END) return EXIT_OK;
    uint64_t total = fp.h.text_len + fp.h.source_len + fp.h.hash_len + fp.h.overrides_len +
                     fp.h.path_len + 4;
    char *payload = malloc(total);
    const char **overrides = calloc(fp.h.n_overrides + 1, sizeof *overrides);
    if (!payload || !overrides) {
      fprintf(stderr, "drsim: MPI rank %d: out of memory for the plan\n", rank);
      MPI_Abort(MPI_COMM_WORLD, EXIT_IO);
    }
    bcast_bytes(payload, total);
    char why[200];
    model_scenario *sc = rebuild(&fp, payload, overrides, why, sizeof why);
    if (!sc) {
      fprintf(stderr, "drsim: MPI rank %d: %s\n", rank, why);
      if (fp.h.parts) study_mpi_parts_follow(NULL, NULL, &fp, why);
      else follow(NULL, &fp, why, NULL);
    } else {
      study_trials t = {sc, fp.h.seed};
      sim_runner_config cfg = {0};
      study_trials_config(&t, &cfg);
      cfg.first_trial = fp.h.first;
      cfg.n_trials = fp.h.n;
      cfg.threads = (unsigned)fp.h.threads;
      cfg.stop_flag = &follower_stop;
      follow_checked(&cfg, sc, &fp);
      model_scenario_free(sc);
    }
    free(overrides);
    free(payload);
  }
}

int study_mpi_main(int argc, char **argv, int (*command)(int argc, char **argv))
{
  int provided = 0;
  /* FUNNELED: only the main thread calls MPI; the runner's workers and its
  ** sink (rank 0's store) never do. */
  if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    fprintf(stderr, "drsim: error: MPI could not start\n");
    return EXIT_IO;
  }
  int rank, size, status;
  world(&rank, &size);
  if (rank == 0) {
    status = command(argc, argv);
    if (size > 1) {
      plan_head end;
      memset(&end, 0, sizeof end);
      end.kind = PLAN_END;
      bcast_bytes(&end, sizeof end);
    }
  } else {
    status = serve(rank, size);
  }
  MPI_Finalize();
  return status;
}

#else
/* Without MPI this file is empty; ISO C wants a declaration in it. */
typedef int study_mpi_unused;
#endif
