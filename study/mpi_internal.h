/*
** study/mpi_internal.h — what the files of the study/mpi module share and
** nobody else may include: the message tags and headers, the transport
** helpers (study/mpi.c) and the per-rank stores of stored runs
** (study/mpi_parts.c). The public contract is study/mpi.h.
**
**   mpi.c        plans, the ranks' loop, funnelled blocks (records to rank 0)
**   mpi_parts.c  stored runs without the funnel: each rank stores its slice
**                in its own part database, rank 0 absorbs the parts
*/
#ifndef DRSIM_STUDY_MPI_INTERNAL_H
#define DRSIM_STUDY_MPI_INTERNAL_H

#ifdef DRSIM_HAVE_MPI

#include <mpi.h>
#include <stdint.h>
#include "models/scenario.h"
#include "sim/runner.h"
#include "study/mpi.h"

enum { TAG_HDR = 4242, TAG_DATA, TAG_ACK, TAG_READY, TAG_CTS, TAG_STOP, TAG_DONE, TAG_FIN };
enum { PLAN_END = 0, PLAN_RUN = 1 };
enum { ACK_CONTINUE = 1, ACK_STOP = 2 };
enum { EXIT_OK = 0, EXIT_IO = 3 };   /* exit statuses (cli/args.h's CLI_EXIT_*) */

/* A block's results travel in one message: keep it well under MPI's int
** count, and memory per rank modest, unless the rank's threads need more. */
#define BLOCK_BYTES_CAP ((uint64_t)64 << 20)

typedef struct plan_head {
  uint64_t kind;
  uint64_t seed;
  uint64_t first, n;        /* trials first .. first+n-1 */
  uint64_t threads;         /* as requested on rank 0 (0: each rank's cores) */
  uint64_t block;           /* trials per block (a multiple of chunk) */
  uint64_t chunk;           /* the runner's chunk: rank 0 appends these */
  uint64_t record_size;     /* model_outcome_size, checked by every rank */
  uint64_t probe;           /* fingerprint of trial `first` on rank 0 (0: none) */
  uint64_t discard;         /* 1: send counts, not records (rank 0 keeps nothing) */
  uint64_t parts;           /* 1: each rank stores its slice in its own part
                               (mpi_parts.c); the payload ends with rank 0's
                               database path */
  uint64_t detail;          /* parts: the run's report_detail */
  uint64_t text_len, source_len, hash_len, overrides_len, n_overrides, path_len;
} plan_head;

typedef struct block_head {
  int64_t status;           /* SIM_RUNNER_* of the rank's work on the block */
  uint64_t n;               /* records that follow: a prefix of the block */
  char msg[240];            /* what went wrong, when status < 0 */
} block_head;

/* What a rank > 0 serves (the plan, unpacked). */
typedef struct follow_plan {
  plan_head h;
  int rank, size;
  const char *text;         /* into the plan's payload */
  const char *const *overrides;
  const char *db_path;      /* parts: rank 0's database */
} follow_plan;

/* Transport (mpi.c). Waits poll with a short sleep (Open MPI busy-waits). */
void study_mpi_wait(MPI_Request *r);
void study_mpi_send_bytes(const void *buf, uint64_t n, int dest, int tag);
void study_mpi_recv_bytes(void *buf, uint64_t n, int src, int tag);
/* Bulk data in pieces of at most 1 GiB: the receiver sends a clear-to-send
** first (recv_data does), the sender waits for it before send_data. */
void study_mpi_send_data(const void *buf, uint64_t n, int dest);
void study_mpi_recv_data(void *buf, uint64_t n, int src);
double study_mpi_now(void);
/* 1 when DRSIM_MPI_VERBOSE asks for rank 0's per-rank figures. */
int study_mpi_verbose(void);

/* Rank 0, parts mode: after the plan went out, collect every rank's ready,
** run rank 0's slice into cfg's sink (the run's store), collect the other
** ranks' parts and absorb them in trial order. Returns a SIM_RUNNER_*
** status; *delivered: the trials the run now holds from cfg->first_trial. */
int study_mpi_parts_lead(const study_mpi_job *x, const sim_runner_config *cfg,
                         uint64_t block, uint64_t *delivered, int size);

/* Rank > 0, parts mode: store this rank's slice of the plan in its own
** part (cfg NULL: cannot take part, why says why). */
int study_mpi_parts_follow(const sim_runner_config *cfg, const model_scenario *sc,
                           const follow_plan *fp, const char *why);

#endif
#endif
