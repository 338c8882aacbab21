/* `kube play --watch`: which of a play's manifests changed, told by inotify on the folders that hold them. */
#ifndef PP_WATCH_H
#define PP_WATCH_H

#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct pp_watch_s pp_watch_t;

/* Watches the files and directories `args` (as `kube play` takes them, never "-"): the folder that holds each
   file (and the folder of its target when it is a link), and each directory itself, so that a file saved by a
   rename over it or by a delete and a create is followed as one written in place.  A directory's files are its
   manifests (pp_manifest_name), those added later too. */
int pp_watch_new (char *const *args, size_t n, pp_watch_t **out, pp_error_t *err);
void pp_watch_free (pp_watch_t *w);

/* The inotify descriptor, to poll: readable when events wait for pp_watch_read. */
int pp_watch_fd (const pp_watch_t *w);

/* Reads the events that wait (none waiting is no error); the number of them that concern a watched file.  A
   folder that is removed or moved away is watched no more: `*lost` (when not NULL) is then set to its path,
   which the caller frees; -1 with `err` when nothing is left to watch. */
int pp_watch_read (pp_watch_t *w, char **lost, pp_error_t *err);

/* The files changed since the last call (each once, as "dir/name" with dir as the user gave it), NULL-ended, for
   the caller to free (pp_strv_free); a lost event queue (IN_Q_OVERFLOW) names every argument. */
char **pp_watch_take (pp_watch_t *w);

#endif
