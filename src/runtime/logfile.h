/* Container logs in the k8s-file format of CRI and Podman: `<RFC3339Nano> stdout|stderr F|P <text>` per line,
   P marking a piece of a line that goes on in the next record. */
#ifndef PP_LOGFILE_H
#define PP_LOGFILE_H

#include "core/error.h"
#include "core/util.h"

#include <stdbool.h>
#include <stdint.h>

enum
{
  PP_LOG_STDOUT,
  PP_LOG_STDERR
};

/* The writer: whole lines become F records; a line longer than the buffer, or cut by the end of the stream,
   becomes P records. */
typedef struct
{
  int fd;
  pp_buf_t pending[2];
} pp_logw_t;

void pp_logw_feed (pp_logw_t *w, int stream, const char *data, size_t len);
/* At the end of a stream: what is pending is written as a P record (it had no newline). */
void pp_logw_flush (pp_logw_t *w, int stream);
void pp_logw_release (pp_logw_t *w);

/* One record of a log file. */
typedef struct
{
  char ts[64];
  int stream;
  bool partial;
  const char *text;
  size_t len;
} pp_log_record_t;

/* Parses one line (without its newline); false when it is not a k8s-file record. */
bool pp_log_parse (const char *line, size_t len, pp_log_record_t *rec);

typedef struct
{
  long tail;       /* the last N lines of each log only; -1 for all */
  bool timestamps; /* each line prefixed with its time */
  bool follow;     /* keep reading while the writers may write more */
} pp_log_read_opts_t;

typedef struct pp_log_source pp_log_source_t;

/* Logs printed together (`logs`, `pod logs`, `kube play --wait`): the lines of each in their order, those of
   different logs merged by their time, each prefixed `LABEL | ` when its log has a label; stdout records go to
   fds[0], stderr records to fds[1]. */
typedef struct
{
  pp_log_read_opts_t opts;
  int fds[2];
  pp_log_source_t **v;
  size_t n;
} pp_log_set_t;

/* Adds the log at `path` (which may not exist yet), unless the set has one of that key; `label` may be NULL. */
void pp_log_set_add (pp_log_set_t *s, const char *key, const char *label, const char *path);
/* Prints the whole lines the logs gained since the last read; `last` when their writers are gone, so that a
   line they left unfinished is printed too. */
int pp_log_set_read (pp_log_set_t *s, bool last, pp_error_t *err);
/* Reads the logs; with opts.follow, again and again while `alive` returns 1 (it may add logs to the set; -1 is
   an error), then once more for what the writers wrote last. */
int pp_log_set_follow (pp_log_set_t *s, int (*alive) (pp_log_set_t *, void *, pp_error_t *), void *data,
                       pp_error_t *err);
void pp_log_set_release (pp_log_set_t *s);

#endif
