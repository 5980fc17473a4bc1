/*
** cli/outfile.h — output files that never destroy what was there: every
** report, export and chart file is written to a temporary file in the same
** directory and renamed over the target only when everything was written,
** so a failure (disk full, file-size limit, a signal) leaves the old file
** untouched; and an output path that is one of the command's inputs (the
** results database, its -wal/-shm/-journal side files, the scenario) is
** refused before anything is opened.
*/
#ifndef DRSIM_CLI_OUTFILE_H
#define DRSIM_CLI_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

/* Refuse an output that is an input: returns CLI_EXIT_OK, or prints
** "drsim CMD: error: ..." and returns CLI_EXIT_USAGE when `out` names the
** same file as one of the n `inputs` (by device and inode when both exist,
** by resolved path otherwise) or as an input's SQLite side file
** (INPUT-wal, INPUT-shm, INPUT-journal). NULL entries and "-" (stdout) are
** skipped. */
int cli_outfile_check(const char *cmd, const char *out, const char *const *inputs, size_t n);

typedef struct cli_outfile cli_outfile;

/* Open `path` for writing: NULL or "-" is standard output; a regular file
** (existing or new) is written through a temporary file next to it; other
** files (/dev/null, a FIFO, a terminal) are written directly. Returns
** CLI_EXIT_OK and *out, or prints the error and returns CLI_EXIT_IO. */
int cli_outfile_open(const char *cmd, const char *path, cli_outfile **out);

/* The stream to write to (borrowed). */
FILE *cli_outfile_stream(cli_outfile *o);

/* Finish: when ok is nonzero, flush and sync the temporary file and rename
** it over the target (standard output: flush it and check for errors);
** when ok is 0 or anything fails, remove the temporary file and leave the
** target as it was. Frees o (NULL is a no-op returning CLI_EXIT_OK).
** Returns CLI_EXIT_OK, or prints the error and returns CLI_EXIT_IO. */
int cli_outfile_close(cli_outfile *o, int ok);

/* Flush and close standard output at the end of a command: returns
** CLI_EXIT_OK, or prints "drsim: error: cannot write the output: REASON"
** (unless quiet: the command already reported its error) and returns
** CLI_EXIT_IO (a full disk, /dev/full). */
int cli_outfile_close_stdout(int quiet);

#endif
