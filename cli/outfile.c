/*
** cli/outfile.c — atomic output files and the output-is-an-input check
** (contract in cli/outfile.h).
*/
#define _XOPEN_SOURCE 700   /* realpath */
#include "cli/outfile.h"
#include "cli/args.h"
#include "cli/common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct cli_outfile {
  FILE *f;
  const char *cmd;
  char *path;      /* the target, as shown in messages */
  char *final;     /* where the temporary file is renamed to (symlinks resolved) */
  char *tmp;       /* the temporary file; NULL: writing stdout or a device directly */
  int is_stdout;
};

/* The canonical name of path: realpath when it exists, else the realpath
** of its directory joined with its last component. NULL when neither can be
** resolved (then only the device/inode comparison applies). malloc'ed. */
static char *canonical(const char *path) {
  char *r = realpath(path, NULL);
  if (r) return r;
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) return NULL;
  char *dir;
  if (!slash) dir = realpath(".", NULL);
  else if (slash == path) dir = realpath("/", NULL);
  else {
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, path, n);
    d[n] = '\0';
    dir = realpath(d, NULL);
    free(d);
  }
  if (!dir) return NULL;
  size_t need = strlen(dir) + 1 + strlen(base) + 1;
  char *out = malloc(need);
  if (out) snprintf(out, need, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", base);
  free(dir);
  return out;
}

static int same_inode(const char *a, const char *b) {
  struct stat sa, sb;
  return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

int cli_outfile_check(const char *cmd, const char *out, const char *const *inputs, size_t n) {
  if (!out || !strcmp(out, "-")) return CLI_EXIT_OK;
  static const char *const side[] = {"", "-wal", "-shm", "-journal"};
  char *cout = canonical(out);
  int clash = 0;
  const char *what = NULL;
  for (size_t i = 0; i < n && !clash; i++) {
    if (!inputs[i] || !strcmp(inputs[i], "-")) continue;
    char *cin = canonical(inputs[i]);
    for (size_t k = 0; k < sizeof side / sizeof *side && !clash; k++) {
      size_t need = strlen(inputs[i]) + 16;
      char *p = malloc(need);
      if (!p) break;
      snprintf(p, need, "%s%s", inputs[i], side[k]);
      clash = same_inode(out, p);
      free(p);
      if (!clash && cout && cin) {
        size_t m = strlen(cin);
        clash = !strncmp(cout, cin, m) && !strcmp(cout + m, side[k]);
      }
      if (clash) what = inputs[i];
    }
    free(cin);
  }
  free(cout);
  if (clash) {
    cli_error(cmd, "the output %s is an input of this command (%s or one of its files); "
              "writing it would destroy it: give another output file", out, what);
    return CLI_EXIT_USAGE;
  }
  return CLI_EXIT_OK;
}

int cli_outfile_open(const char *cmd, const char *path, cli_outfile **out) {
  *out = NULL;
  cli_outfile *o = calloc(1, sizeof *o);
  if (!o) {
    cli_error(cmd, "out of memory");
    return CLI_EXIT_IO;
  }
  o->cmd = cmd;
  if (!path || !strcmp(path, "-")) {
    o->f = stdout;
    o->is_stdout = 1;
    *out = o;
    return CLI_EXIT_OK;
  }
  o->path = strdup(path);
  struct stat st;
  int exists = stat(path, &st) == 0;
  if (o->path && exists && !S_ISREG(st.st_mode)) {
    /* /dev/null, a FIFO, a terminal: nothing to replace atomically. */
    o->f = fopen(path, "w");
    if (!o->f) goto fail;
    *out = o;
    return CLI_EXIT_OK;
  }
  /* A symbolic link is followed: the file it points to is replaced. */
  o->final = exists ? realpath(path, NULL) : strdup(path);
  if (!o->path || !o->final) goto fail;
  size_t need = strlen(o->final) + 16;
  o->tmp = malloc(need);
  if (!o->tmp) goto fail;
  snprintf(o->tmp, need, "%s.tmp-XXXXXX", o->final);
  int fd = mkstemp(o->tmp);
  if (fd < 0) {
    free(o->tmp);
    o->tmp = NULL;
    goto fail;
  }
  mode_t mode;
  if (exists) {
    mode = st.st_mode & 07777;
  } else {
    mode_t mask = umask(0);
    umask(mask);
    mode = 0666 & ~mask;
  }
  (void)fchmod(fd, mode);
  o->f = fdopen(fd, "w");
  if (!o->f) {
    int e = errno;
    close(fd);
    unlink(o->tmp);
    errno = e;
    goto fail;
  }
  *out = o;
  return CLI_EXIT_OK;
fail:
  cli_error(cmd, "cannot write %s: %s", path, strerror(errno ? errno : ENOMEM));
  free(o->path);
  free(o->final);
  free(o->tmp);
  free(o);
  return CLI_EXIT_IO;
}

FILE *cli_outfile_stream(cli_outfile *o) {
  return o->f;
}

int cli_outfile_close(cli_outfile *o, int ok) {
  if (!o) return CLI_EXIT_OK;
  int status = CLI_EXIT_OK;
  if (o->is_stdout) {
    if (fflush(stdout) != 0 || ferror(stdout)) {
      if (ok) cli_error(o->cmd, "cannot write the output: %s", strerror(errno ? errno : EIO));
      status = CLI_EXIT_IO;
    }
  } else {
    errno = 0;
    int bad = fflush(o->f) != 0 || ferror(o->f);
    if (!bad && ok && o->tmp) bad = fsync(fileno(o->f)) != 0;
    int e = errno;
    if (fclose(o->f) != 0 && !bad) {
      bad = 1;
      e = errno;
    }
    if (!bad && ok && o->tmp && rename(o->tmp, o->final) != 0) {
      bad = 1;
      e = errno;
    }
    if (bad || !ok) {
      if (o->tmp) unlink(o->tmp);
      if (bad && ok)
        cli_error(o->cmd, "cannot write %s: %s%s", o->path, strerror(e ? e : EIO),
                  o->tmp ? " (the file was left as it was)" : "");
      else if (o->tmp)
        fprintf(stderr, "drsim %s: %s was not written (the file was left as it was)\n",
                o->cmd, o->path);
      status = CLI_EXIT_IO;
    }
  }
  free(o->path);
  free(o->final);
  free(o->tmp);
  free(o);
  return status;
}

int cli_outfile_close_stdout(int quiet) {
  errno = 0;
  int bad = fflush(stdout) != 0 || ferror(stdout);
  int e = errno;
  if (fclose(stdout) != 0 && !bad) {
    bad = 1;
    e = errno;
  }
  if (bad) {
    if (!quiet)
      fprintf(stderr, "drsim: error: cannot write the output: %s\n", strerror(e ? e : EIO));
    return CLI_EXIT_IO;
  }
  return CLI_EXIT_OK;
}
