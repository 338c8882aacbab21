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
  long tail;       /* the last N lines only; -1 for all */
  bool timestamps; /* each line prefixed with its time */
  bool follow;     /* keep reading while `alive` says the writer may write more */
} pp_log_read_opts_t;

/* Writes a log file's text to `out_fd` (stderr records to `err_fd`); with follow, polls for more until `alive`
   returns false and the file is read to its end. */
int pp_log_print (const char *path, const pp_log_read_opts_t *opts, int out_fd, int err_fd,
                  bool (*alive) (void *), void *data, pp_error_t *err);

#endif
