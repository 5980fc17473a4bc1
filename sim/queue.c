/*
** sim/queue.c — indexed d-ary min-heap over a pool of event records; see
** sim/queue.h for the contract.
**
** Layout, chosen for the hot path (pop the earliest, push a new one) and
** measured with scripts/bench-engine.sh:
**  - heap entries are 16 bytes, two integers: the time mapped to a uint64
**    whose unsigned order is the order of the doubles (sign-magnitude to
**    biased, the usual total-order trick), and a key packing
**    (rank << rank_shift | seq << SLOT_BITS | slot; no rank bits unless the
**    caller asks for ranks). Comparing (time, rank, seq) is then two integer
**    compares (one 128-bit compare where the compiler has it) without
**    branches, and the slot leads to the record;
**  - the heap is 4-ary (SIM_QUEUE_ARITY, 2 for a binary heap, which measured
**    ~1.3x slower at 10^2 and 10^4 pending; 8-ary was slower too) and its
**    array is offset so the four children of a node share one cache line;
**    the smallest child is found by a branch-free tournament (heap compares
**    are unpredictable, so branches there cost a misprediction each), see
**    descend();
**  - the slots past the last entry hold sentinels larger than any event, so
**    the tournament never checks how many children exist;
**  - sifting down is bottom-up (Wegener): move the hole down to a leaf
**    along the smallest children, then sift the entry up from there. The
**    entry usually belongs near the bottom, so this saves a compare and an
**    unpredictable branch per level;
**  - pop leaves the root vacant ("hole") instead of refilling it with the
**    last entry at once: a discrete-event handler nearly always schedules a
**    new event right away, and that push then fills the root and sifts down
**    once, instead of a refill sift plus a sift-up from the bottom. Any other
**    operation refills the root first (fill_hole);
**  - the position index is its own uint32 array (4 bytes per slot, so it
**    stays in cache far longer than 32-byte records would), updated on every
**    move so cancel can find an entry in O(1) and repair the heap in O(log n);
**  - records (handler, ctx, arg, generation) live in a pool that grows by
**    doubling; free slots form a LIFO list, so the slot just popped (still in
**    cache) is the one the next push reuses.
*/
#include "sim/queue.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef SIM_QUEUE_ARITY
#define SIM_QUEUE_ARITY 4
#endif
#if SIM_QUEUE_ARITY != 2 && SIM_QUEUE_ARITY != 4
#error "SIM_QUEUE_ARITY must be 2 or 4"
#endif
#define ARITY SIM_QUEUE_ARITY

#define SLOT_BITS 26
#define SLOT_MASK ((UINT64_C(1) << SLOT_BITS) - 1)
#define SEQ_BITS (64 - SLOT_BITS)
#define NO_SLOT UINT32_MAX
#define LINE 64
/* Entries before heap[0] in the allocation, so children ARITY*i+1 .. start
** on a boundary of ARITY entries: (ARITY - 1 + ARITY*i + 1) * 16 bytes. */
#define HEAP_PAD (ARITY - 1)
/* Heaps larger than this (entries; 64 KiB) no longer fit in L1: prefetch. */
#define PREFETCH_MIN 4096
/* Sentinels after the last entry: a node's children all exist in memory. */
#define HEAP_TAIL ARITY

typedef struct qentry {
  uint64_t tk;  /* event time through time_key() */
  uint64_t key; /* rank << rank_shift | seq << SLOT_BITS | slot */
} qentry;

static const qentry SENTINEL = {UINT64_MAX, UINT64_MAX};

typedef struct qrec {
  sim_handler fn; /* NULL while the slot is free */
  void *ctx;
  uint64_t arg;
  uint32_t gen;  /* bumped when the slot is freed; never 0 */
  uint32_t next; /* next free slot while free */
} qrec;

struct sim_queue {
  qentry *heap;   /* heap[0] is the earliest; points into heap_mem */
  void *heap_mem; /* aligned: HEAP_PAD + cap + HEAP_TAIL entries */
  qrec *rec;      /* cap records, rec[0..used) initialised */
  uint32_t *pos;  /* heap index of each pending slot */
  uint32_t n;     /* pending events */
  uint32_t cap;   /* slots allocated */
  uint32_t used;  /* slots ever handed out */
  uint32_t free_head;
  int hole;     /* heap[0] is vacant (popped, not yet refilled) */
  uint64_t seq; /* next insertion sequence number, <= seq_limit */
  uint64_t seq_limit; /* 2^(SEQ_BITS - rank bits) */
  uint64_t rank_mask; /* the rank's bits of a key; 0 without ranks */
  unsigned rank_bits, rank_shift;
};

/* An order-preserving map from non-NaN doubles to uint64: flip all bits of
** negatives, set the sign bit of non-negatives. +inf maps below UINT64_MAX,
** so the sentinel stays above every event. */
static inline uint64_t time_key(double t) {
  uint64_t u;
  t += 0.0; /* -0.0 becomes +0.0 */
  memcpy(&u, &t, sizeof u);
  return (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
}

static inline double key_time(uint64_t k) {
  uint64_t u = (k >> 63) ? k & ~(UINT64_C(1) << 63) : ~k;
  double t;
  memcpy(&t, &u, sizeof t);
  return t;
}

#if defined(__SIZEOF_INT128__) && !defined(SIM_QUEUE_NO_INT128)
/* (time, seq) as one 128-bit integer: the compare is cmp + sbb, no branch. */
__extension__ typedef unsigned __int128 u128;
static inline u128 qkey(const qentry *e) { return (u128)e->tk << 64 | e->key; }
static inline int qless(const qentry *a, const qentry *b) { return qkey(a) < qkey(b); }
#else
/* Portable fallback: still branch-free (bitwise, not short-circuit). */
static inline int qless(const qentry *a, const qentry *b) {
  return (a->tk < b->tk) | ((a->tk == b->tk) & (a->key < b->key));
}
#endif

static inline uint32_t qslot(const qentry *e) { return (uint32_t)(e->key & SLOT_MASK); }

static int grow(sim_queue *q, size_t want) {
  size_t cap = q->cap ? (size_t)q->cap * 2 : 64;
  while (cap < want) cap *= 2;
  if (cap > SIM_QUEUE_MAX_PENDING) cap = SIM_QUEUE_MAX_PENDING;
  if (cap <= q->cap || cap < want) return SIM_ENOMEM;

  void *mem = NULL;
  if (posix_memalign(&mem, LINE, (HEAP_PAD + cap + HEAP_TAIL) * sizeof(qentry)) != 0)
    return SIM_ENOMEM;
  qrec *rec = realloc(q->rec, cap * sizeof(qrec));
  if (!rec) {
    free(mem);
    return SIM_ENOMEM;
  }
  q->rec = rec;
  uint32_t *pos = realloc(q->pos, cap * sizeof(uint32_t));
  if (!pos) {
    free(mem);
    return SIM_ENOMEM;
  }
  q->pos = pos;
  qentry *heap = (qentry *)mem + HEAP_PAD;
  if (q->n) memcpy(heap, q->heap, q->n * sizeof(qentry));
  for (size_t i = q->n; i < cap + HEAP_TAIL; i++) heap[i] = SENTINEL;
  free(q->heap_mem);
  q->heap_mem = mem;
  q->heap = heap;
  q->cap = (uint32_t)cap;
  return SIM_OK;
}

sim_queue *sim_queue_new(size_t capacity_hint) {
  sim_queue *q = calloc(1, sizeof *q);
  if (!q) return NULL;
  q->free_head = NO_SLOT;
  q->seq_limit = UINT64_C(1) << SEQ_BITS;
  q->rank_shift = 64;
  if (capacity_hint > SIM_QUEUE_MAX_PENDING) capacity_hint = SIM_QUEUE_MAX_PENDING;
  if (grow(q, capacity_hint ? capacity_hint : 64) != SIM_OK) {
    sim_queue_free(q);
    return NULL;
  }
  return q;
}

void sim_queue_free(sim_queue *q) {
  if (!q) return;
  free(q->heap_mem);
  free(q->rec);
  free(q->pos);
  free(q);
}

static inline void release_slot(sim_queue *q, uint32_t s) {
  qrec *r = &q->rec[s];
  r->fn = NULL;
  if (++r->gen == 0) r->gen = 1;
  r->next = q->free_head;
  q->free_head = s;
}

void sim_queue_clear(sim_queue *q) {
  for (uint32_t i = 0; i < q->n; i++) {
    if (i > 0 || !q->hole) release_slot(q, qslot(&q->heap[i]));
    q->heap[i] = SENTINEL;
  }
  q->n = 0;
  q->hole = 0;
  q->seq = 0;
}

/* Put x into the hole at i, moving larger ancestors down. */
static inline void sift_up(sim_queue *q, uint32_t i, qentry x) {
  qentry *h = q->heap;
  uint32_t *pos = q->pos;
  while (i > 0) {
    uint32_t p = (i - 1) / ARITY;
    if (!qless(&x, &h[p])) break;
    h[i] = h[p];
    pos[qslot(&h[i])] = i;
    i = p;
  }
  h[i] = x;
  pos[qslot(&x)] = i;
}

/* One step of a descent: the hole is at i and its children start at c. Move
** the smallest child into the hole; return the child's index (the new hole)
** and store its first child's index in *cn.
** This is the critical path of every pop, so it is written for latency: the
** two first-round winners are selected as values, not reloaded through their
** indices; every selection is arithmetic (which child is smallest is a coin
** flip, so a branch would mispredict half the time); and the next level's
** index is selected from candidates computed in parallel instead of being
** derived from the winner afterwards. */
static inline uint32_t descend(qentry *h, uint32_t *pos, uint32_t i, uint32_t c, uint32_t *cn) {
  const qentry *p = h + c;
#if ARITY == 2
  uint32_t best = c + (uint32_t)qless(&p[1], &p[0]);
  *cn = ARITY * best + 1;
#else
#if defined(__SIZEOF_INT128__) && !defined(SIM_QUEUE_NO_INT128)
  u128 k0 = qkey(&p[0]), k1 = qkey(&p[1]), k2 = qkey(&p[2]), k3 = qkey(&p[3]);
  int l1 = k1 < k0, l3 = k3 < k2;
  u128 m01 = l1 ? k1 : k0, m23 = l3 ? k3 : k2;
  uint32_t a = c + (uint32_t)l1, b = c + 2 + (uint32_t)l3;
  uint32_t m = -(uint32_t)(m23 < m01);
#else
  uint32_t a = c + (uint32_t)qless(&p[1], &p[0]);
  uint32_t b = c + 2 + (uint32_t)qless(&p[3], &p[2]);
  uint32_t m = -(uint32_t)qless(&h[b], &h[a]);
#endif
  uint32_t ca = ARITY * a + 1, cb = ARITY * b + 1;
  uint32_t best = a ^ ((a ^ b) & m);
  *cn = ca ^ ((ca ^ cb) & m);
#endif
  h[i] = h[best];
  pos[qslot(&h[i])] = i;
  return best;
}

/* Fill the hole at i with x, where x is not smaller than i's parent: move
** the hole down to a leaf along the smallest children, then sift x up from
** there (it cannot rise above i). Entries at index >= q->n are sentinels. */
static inline void sift_down(sim_queue *q, uint32_t i, qentry x) {
  qentry *h = q->heap;
  uint32_t *pos = q->pos;
  const uint32_t n = q->n;
  uint32_t c = ARITY * i + 1;
#if defined(__GNUC__)
  if (n > PREFETCH_MIN) {
    /* Beyond the L1 cache the walk is bound by memory latency: fetch the
    ** lines of all grandchildren while the children are compared, so the
    ** next level's loads hit (1.5x at 10^6 pending, neutral below). */
    while (c < n) {
      const uint32_t g = ARITY * c + 1;
      for (uint32_t k = 0; k < ARITY * ARITY && g + k < n; k += LINE / sizeof(qentry))
        __builtin_prefetch(&h[g + k]);
      i = descend(h, pos, i, c, &c);
    }
  }
#endif
  while (c < n) i = descend(h, pos, i, c, &c);
  sift_up(q, i, x);
}

/* Refill a vacant root with the last entry. Kept out of line so the callers'
** fast paths (no vacant root) need not save registers for a sift. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void refill_root(sim_queue *q) {
  q->hole = 0;
  uint32_t last = --q->n;
  qentry x = q->heap[last];
  q->heap[last] = SENTINEL;
  if (last > 0) sift_down(q, 0, x);
}

static inline void fill_hole(sim_queue *q) {
  if (q->hole) refill_root(q);
}

static int cmp_entry(const void *a, const void *b) {
  const qentry *x = a, *y = b;
  return qless(x, y) ? -1 : qless(y, x) ? 1 : 0;
}

/* Give the pending events seq numbers 0..n-1 in their current order (their
** ranks stay). A sorted array is a valid heap, and relabelling by position
** keeps every comparison's outcome, so the order of future pops is
** unchanged. */
static void renumber(sim_queue *q) {
  fill_hole(q);
  qsort(q->heap, q->n, sizeof(qentry), cmp_entry);
  for (uint32_t i = 0; i < q->n; i++) {
    uint32_t s = qslot(&q->heap[i]);
    q->heap[i].key = (q->heap[i].key & q->rank_mask) | ((uint64_t)i << SLOT_BITS) | s;
    q->pos[s] = i;
  }
  q->seq = q->n;
}

int sim_queue_set_rank_bits(sim_queue *q, unsigned bits) {
  if (bits > SIM_QUEUE_MAX_RANK_BITS || sim_queue_size(q) != 0) return SIM_EINVAL;
  q->rank_bits = bits;
  q->rank_shift = 64 - bits;
  q->rank_mask = bits ? ~UINT64_C(0) << q->rank_shift : 0;
  q->seq_limit = UINT64_C(1) << (SEQ_BITS - bits);
  if (q->seq > q->seq_limit) q->seq = q->seq_limit;   /* the next push renumbers */
  return SIM_OK;
}

/* The push itself; rank_key is the rank already shifted into place. */
static inline int push_key(sim_queue *q, double t, uint64_t rank_key, const sim_queue_event *ev,
                           sim_event_id *id) {
  if (isnan(t) || !ev || !ev->fn) return SIM_EINVAL;
  uint32_t s = q->free_head;
  if (s != NO_SLOT) {
    q->free_head = q->rec[s].next;
  } else {
    if (q->used == q->cap && grow(q, (size_t)q->cap + 1) != SIM_OK) return SIM_ENOMEM;
    s = q->used++;
    q->rec[s].gen = 1;
  }
  if (q->seq >= q->seq_limit) renumber(q);
  qrec *r = &q->rec[s];
  r->fn = ev->fn;
  r->ctx = ev->ctx;
  r->arg = ev->arg;
  qentry x = {time_key(t), rank_key | (q->seq++ << SLOT_BITS) | s};
  if (q->hole) {
    /* The root was just popped: put the new event there and sift it down,
    ** which saves a sift-up from the bottom and a refill of the root. */
    q->hole = 0;
    sift_down(q, 0, x);
  } else {
    sift_up(q, q->n++, x);
  }
  if (id) *id = ((uint64_t)r->gen << 32) | s;
  return SIM_OK;
}

int sim_queue_push(sim_queue *q, double t, const sim_queue_event *ev, sim_event_id *id) {
  return push_key(q, t, 0, ev, id);
}

int sim_queue_push_ranked(sim_queue *q, double t, uint32_t rank, const sim_queue_event *ev,
                          sim_event_id *id) {
  if (rank == 0) return push_key(q, t, 0, ev, id);
  if (q->rank_bits == 0 || rank >> q->rank_bits) return SIM_EINVAL;
  return push_key(q, t, (uint64_t)rank << q->rank_shift, ev, id);
}

int sim_queue_pop_until(sim_queue *q, double until, double *t, sim_queue_event *ev) {
  fill_hole(q);
  qentry *h = q->heap;
  /* With an empty queue h[0] is the sentinel, above any time key. */
  if (h[0].tk > time_key(until)) return 0;
  qentry top = h[0];
  uint32_t s = qslot(&top);
  qrec *r = &q->rec[s];
  ev->fn = r->fn;
  ev->ctx = r->ctx;
  ev->arg = r->arg;
  *t = key_time(top.tk);
  release_slot(q, s);
  h[0] = SENTINEL;
  if (q->n == 1)
    q->n = 0;
  else
    q->hole = 1; /* refilled by the next push (usually from this event's handler) */
  return 1;
}

int sim_queue_peek(sim_queue *q, double *t) {
  fill_hole(q);
  if (q->n == 0) return 0;
  *t = key_time(q->heap[0].tk);
  return 1;
}

int sim_queue_cancel(sim_queue *q, sim_event_id id) {
  uint64_t s64 = id & UINT32_MAX;
  uint32_t gen = (uint32_t)(id >> 32);
  if (gen == 0 || s64 >= q->used) return SIM_ENOTFOUND;
  uint32_t s = (uint32_t)s64;
  qrec *r = &q->rec[s];
  if (!r->fn || r->gen != gen) return SIM_ENOTFOUND;
  fill_hole(q);
  uint32_t i = q->pos[s];
  release_slot(q, s);
  uint32_t last = --q->n;
  qentry x = q->heap[last];
  q->heap[last] = SENTINEL;
  if (i != last) {
    if (i > 0 && qless(&x, &q->heap[(i - 1) / ARITY]))
      sift_up(q, i, x);
    else
      sift_down(q, i, x);
  }
  return SIM_OK;
}

size_t sim_queue_size(const sim_queue *q) { return q->n - (uint32_t)q->hole; }

void sim_queue_debug_set_seq(sim_queue *q, uint64_t next_seq) {
  q->seq = next_seq < q->seq_limit ? next_seq : q->seq_limit;
}

int sim_queue_debug_check(const sim_queue *q) {
  if (q->hole && (q->n < 2 || q->heap[0].tk != SENTINEL.tk)) return 0;
  for (uint32_t i = (uint32_t)q->hole; i < q->n; i++) {
    uint32_t s = qslot(&q->heap[i]);
    if (s >= q->used || !q->rec[s].fn || q->pos[s] != i) return 0;
    uint32_t p = (i - 1) / ARITY;
    if (i > 0 && !(q->hole && p == 0) && qless(&q->heap[i], &q->heap[p])) return 0;
    if (((q->heap[i].key & ~q->rank_mask) >> SLOT_BITS) >= q->seq) return 0;
  }
  for (size_t i = q->n; i < (size_t)q->cap + HEAP_TAIL; i++)
    if (q->heap[i].tk != SENTINEL.tk || q->heap[i].key != SENTINEL.key) return 0;
  uint32_t nfree = 0;
  for (uint32_t s = q->free_head; s != NO_SLOT; s = q->rec[s].next) {
    if (s >= q->used || q->rec[s].fn || ++nfree > q->used) return 0;
  }
  return nfree + q->n - (uint32_t)q->hole == q->used;
}
