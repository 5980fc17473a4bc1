/*
** scripts/bench/bench_engine.c — throughput of the discrete-event kernel
** (sim/sim.c + sim/queue.c), run by scripts/bench-engine.sh on one core.
**
**  (a) the classic hold model: N events pending; each event, when it fires,
**      schedules one new event at now + Exp(mean 1). Measured at N = 10^2,
**      10^4 and 10^6 after a warm-up that brings the pending set to its
**      steady-state shape.
**  (b) an M/M/1 queue (arrival rate 0.9, service rate 1) of 10^6 customers,
**      written as sim_ctx handlers: customers/s, events/s and the mean time
**      in system against the theory 1/(mu - lambda) = 10, with a batch-means
**      standard error (the sojourn times are strongly autocorrelated at
**      rho = 0.9, so the naive SE would be far too small). One run takes
**      ~0.1 s, so independent runs are repeated for the requested time.
**
** Every variant draws its increments the same way, -mean * log(u) with u from
** gsl_rng_uniform_pos on one sim_rng_alloc() generator, and the cost of that
** draw alone is printed first, so the kernel's share can be read off.
**
** Rates are per second of CPU time of the benchmark's thread. Each case is
** timed in batches; the median batch rate is printed with the best one (the
** least disturbed by other processes' cache use on a shared machine).
**
** Usage: bench_engine [seconds per case, default 1.5]
*/
#define HAVE_INLINE 1 /* GSL's inline gsl_rng_uniform_pos, as a model would use */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>

#include "sim/rng.h"
#include "sim/sim.h"

/* CPU time of this thread: on a shared machine, wall-clock time also counts
** the slices other processes get on our core; CPU time does not. */
static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static inline double draw_exp(gsl_rng *r, double mean) { return -mean * log(gsl_rng_uniform_pos(r)); }

static void check(int status, const char *what) {
  if (status != SIM_OK && status != SIM_STOPPED) {
    fprintf(stderr, "bench_engine: %s: %s\n", what, sim_strerror(status));
    exit(1);
  }
}

/* Rates of timed batches: the machine may be shared, so each case is cut
** into batches and both the median and the best batch are reported (the best
** is the closest to the cost on an idle core). */
enum { MAX_BATCHES = 4096 };
typedef struct rates {
  double r[MAX_BATCHES];
  size_t n;
  uint64_t items;
  double busy;
} rates;

static void rates_add(rates *x, uint64_t items, double dt) {
  if (x->n < MAX_BATCHES) x->r[x->n++] = (double)items / dt;
  x->items += items;
  x->busy += dt;
}

/* "median M/s (best M/s)" */
static void rates_print(rates *x, const char *unit) {
  gsl_sort(x->r, 1, x->n);
  printf("%8.2f M %s (best %6.2f)", gsl_stats_median_from_sorted_data(x->r, 1, x->n) / 1e6, unit,
         x->r[x->n - 1] / 1e6);
}

/* ---- RNG cost alone ---- */
static void bench_rng(gsl_rng *r, double seconds) {
  double sink = 0;
  rates x = {0};
  const int batch = 2000000;
  while (x.busy < seconds) {
    double t0 = now_s();
    for (int i = 0; i < batch; i++) sink += draw_exp(r, 1.0);
    rates_add(&x, batch, now_s() - t0);
  }
  if (sink == 42.0) puts(""); /* keep the loop */
  printf("rng   -log(u) draws       ");
  rates_print(&x, "draws/s ");
  printf("  (included in every figure below)\n");
}

/* ---- (a) hold model ---- */
typedef struct hold {
  gsl_rng *r;
  uint64_t count, limit;
} hold;

static void hold_fire(sim_ctx *sim, void *ctx, uint64_t arg) {
  hold *h = ctx;
  if (sim_schedule_in(sim, draw_exp(h->r, 1.0), hold_fire, ctx, arg, NULL) != SIM_OK) abort();
  if (++h->count == h->limit) sim_stop(sim);
}

/* Run `holds` more holds. */
static void hold_run(sim_ctx *sim, hold *h, uint64_t holds) {
  h->limit = h->count + holds;
  check(sim_run(sim, INFINITY), "sim_run");
}

static void bench_hold(gsl_rng *r, size_t n, double seconds) {
  sim_ctx *sim = sim_new(n);
  if (!sim) {
    fprintf(stderr, "bench_engine: out of memory\n");
    exit(1);
  }
  hold h = {r, 0, 0};
  for (size_t i = 0; i < n; i++)
    check(sim_schedule_at(sim, draw_exp(r, 1.0), hold_fire, &h, i, NULL), "schedule");
  /* Warm-up: the initial set is not in the hold model's steady state (and the
  ** caches are cold); a few times n holds fixes both. */
  hold_run(sim, &h, n * 4 > 2000000 ? n * 4 : 2000000);
  const uint64_t batch = n >= 1000000 ? 250000 : 1000000;
  rates x = {0};
  while (x.busy < seconds) {
    double t0 = now_s();
    hold_run(sim, &h, batch);
    rates_add(&x, batch, now_s() - t0);
  }
  printf("hold  n = %-8zu       ", n);
  rates_print(&x, "events/s");
  printf("  (%llu holds in %.2f s, pending %zu)\n", (unsigned long long)x.items, x.busy,
         sim_pending(sim));
  sim_free(sim);
}

/* ---- (b) M/M/1 ---- */
typedef struct mm1 {
  gsl_rng *r;
  double lambda, mu;
  uint64_t n_customers;
  uint64_t arrived, departed;
  double *arrival;  /* arrival time of each customer (FIFO service) */
  double *sojourn;  /* time in system of each customer */
  int busy;
} mm1;

static void mm1_departure(sim_ctx *sim, void *ctx, uint64_t k);

static void start_service(sim_ctx *sim, mm1 *m, uint64_t k) {
  m->busy = 1;
  check(sim_schedule_in(sim, draw_exp(m->r, 1.0 / m->mu), mm1_departure, m, k, NULL), "schedule");
}

static void mm1_arrival(sim_ctx *sim, void *ctx, uint64_t k) {
  mm1 *m = ctx;
  m->arrival[k] = sim_now(sim);
  m->arrived = k + 1;
  if (!m->busy) start_service(sim, m, k);
  if (k + 1 < m->n_customers)
    check(sim_schedule_in(sim, draw_exp(m->r, 1.0 / m->lambda), mm1_arrival, m, k + 1, NULL),
          "schedule");
}

static void mm1_departure(sim_ctx *sim, void *ctx, uint64_t k) {
  mm1 *m = ctx;
  m->sojourn[k] = sim_now(sim) - m->arrival[k];
  m->departed = k + 1;
  m->busy = 0;
  if (m->arrived > k + 1) start_service(sim, m, k + 1); /* customers wait in arrival order */
}

/* One run of n customers; appends BATCHES batch means to bm. Returns the
** number of events dispatched. */
enum { BATCHES = 50 };
static uint64_t mm1_run(gsl_rng *r, uint64_t n, double *bm) {
  mm1 m = {.r = r, .lambda = 0.9, .mu = 1.0, .n_customers = n};
  m.arrival = malloc(n * sizeof *m.arrival);
  m.sojourn = malloc(n * sizeof *m.sojourn);
  sim_ctx *sim = sim_new(0);
  if (!m.arrival || !m.sojourn || !sim) {
    fprintf(stderr, "bench_engine: out of memory\n");
    exit(1);
  }
  check(sim_schedule_in(sim, draw_exp(r, 1.0 / m.lambda), mm1_arrival, &m, 0, NULL), "schedule");
  check(sim_run(sim, INFINITY), "sim_run");
  if (m.departed != n) {
    fprintf(stderr, "bench_engine: M/M/1 ended with %llu of %llu customers served\n",
            (unsigned long long)m.departed, (unsigned long long)n);
    exit(1);
  }
  /* Batch means: batches of n/50 customers, each long against the queue's
  ** relaxation time (~1 / (mu (1 - sqrt(rho))^2) ~ 380 time units, ~340
  ** customers), so the batch means are nearly independent. */
  uint64_t per = n / BATCHES;
  for (int b = 0; b < BATCHES; b++) bm[b] = gsl_stats_mean(m.sojourn + (uint64_t)b * per, 1, per);
  uint64_t events = sim_dispatched(sim);
  sim_free(sim);
  free(m.arrival);
  free(m.sojourn);
  return events;
}

/* Repeat independent runs of n customers (one stream each) for about
** `seconds`; the rate counts only the simulation, not the allocation. */
static void bench_mm1(gsl_rng *r, uint64_t n, double seconds) {
  enum { MAX_REPS = 64 };
  static double bm[MAX_REPS * BATCHES];
  rates cust = {0}, ev = {0};
  int reps = 0;
  do {
    sim_rng_seed(r, 1, (uint64_t)reps, 1);
    double t0 = now_s();
    uint64_t events = mm1_run(r, n, bm + reps * BATCHES);
    double dt = now_s() - t0;
    rates_add(&cust, n, dt);
    rates_add(&ev, events, dt);
    reps++;
  } while (cust.busy < seconds && reps < MAX_REPS);
  size_t nb = (size_t)reps * BATCHES;
  double mean = gsl_stats_mean(bm, 1, nb);
  double se = gsl_stats_sd(bm, 1, nb) / sqrt((double)nb);
  printf("M/M/1 %d x %llu customers ", reps, (unsigned long long)n);
  rates_print(&ev, "events/s");
  printf("  ");
  rates_print(&cust, "customers/s");
  printf("\n");
  printf("      mean time in system %.3f +- %.3f (batch-means SE), theory 1/(mu-lambda) = %.3f\n",
         mean, se, 1.0 / (1.0 - 0.9));
}

int main(int argc, char **argv) {
  double seconds = argc > 1 ? atof(argv[1]) : 1.5;
  if (!(seconds > 0)) {
    fprintf(stderr, "usage: bench_engine [seconds per case]\n");
    return 2;
  }
  gsl_rng *r = sim_rng_alloc();
  if (!r) return 1;
  sim_rng_seed(r, 1, 0, 0);
  printf("drsim engine benchmark (one core, rates per CPU second; %.1f s per case; RNG %s)\n", seconds, gsl_rng_name(r));
  bench_rng(r, seconds / 2);
  size_t sizes[] = {100, 10000, 1000000};
  for (int i = 0; i < 3; i++) bench_hold(r, sizes[i], seconds);
  bench_mm1(r, 1000000, seconds);
  gsl_rng_free(r);
  return 0;
}
