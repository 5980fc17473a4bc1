/*
** tests/alloc_fail/alloc_fail.c — an allocation-failure injector, loaded with
** LD_PRELOAD by tests/e2e_oom.sh (glibc only).
**
** It interposes malloc, calloc and realloc and counts every call made after
** the program's main() starts (the dynamic loader's and libc's own start-up
** allocations are not counted: it wraps __libc_start_main). Environment:
**   DRSIM_FAIL_ALLOC_AT=K       the K-th counted call (1-based) returns NULL
**                               with errno ENOMEM; every other call succeeds.
**                               Unset or 0: nothing fails.
**   DRSIM_FAIL_ALLOC_COUNT=FILE at exit, write the number of counted calls to
**                               FILE (to measure the loop's bound).
** free() is not interposed: the real allocator does all the work.
*/
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);

static int armed;                 /* set once main() starts */
static unsigned long fail_at;     /* 0: never fail */
static unsigned long calls;       /* counted calls so far (atomic) */

/* 1 when this call is the one to fail. */
static int should_fail(void) {
  if (!__atomic_load_n(&armed, __ATOMIC_ACQUIRE)) return 0;
  unsigned long n = __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
  if (fail_at != 0 && n == fail_at) {
    errno = ENOMEM;
    return 1;
  }
  return 0;
}

void *malloc(size_t size) {
  return should_fail() ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size) {
  return should_fail() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t size) {
  return should_fail() ? NULL : __libc_realloc(p, size);
}

/* Writes the count to DRSIM_FAIL_ALLOC_COUNT without allocating. */
static void write_count(void) {
  const char *path = getenv("DRSIM_FAIL_ALLOC_COUNT");
  if (!path || !*path) return;
  char buf[32];
  size_t len = 0;
  unsigned long n = __atomic_load_n(&calls, __ATOMIC_RELAXED);
  char digits[24];
  size_t nd = 0;
  do { digits[nd++] = (char)('0' + n % 10); n /= 10; } while (n && nd < sizeof digits);
  while (nd) buf[len++] = digits[--nd];
  buf[len++] = '\n';
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  ssize_t w = write(fd, buf, len);
  (void)w;
  close(fd);
}

/* Exit paths: returning from main and exit() run destructors; _exit() does
** not (drsim does not use it). */
__attribute__((destructor)) static void alloc_fail_done(void) { write_count(); }

typedef int (*main_fn)(int, char **, char **);
typedef int (*start_fn)(main_fn, int, char **, void (*)(void), void (*)(void),
                        void (*)(void), void *);
static main_fn real_main;

static int counted_main(int argc, char **argv, char **envp) {
  const char *at = getenv("DRSIM_FAIL_ALLOC_AT");
  fail_at = at ? strtoul(at, NULL, 10) : 0;
  __atomic_store_n(&armed, 1, __ATOMIC_RELEASE);
  return real_main(argc, argv, envp);
}

/* glibc calls this to run main(); wrap main so counting starts there. */
int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
                      void (*fini)(void), void (*rtld_fini)(void), void *stack_end) {
  start_fn real_start;
  void *sym = dlsym(RTLD_NEXT, "__libc_start_main");
  memcpy(&real_start, &sym, sizeof real_start);
  real_main = main;
  return real_start(counted_main, argc, argv, init, fini, rtld_fini, stack_end);
}
