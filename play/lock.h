/* Plays and downs of the same file, one at a time. */
#ifndef PP_PLAY_LOCK_H
#define PP_PLAY_LOCK_H

#include "core/context.h"
#include "core/error.h"

#include <signal.h>

typedef struct
{
  int *fds;
  size_t n;
} pp_play_lock_t;

/* Takes the lock of each play file (as the state records them: pp_play_file_of), waiting for another command
   that holds one, and saying so once through the context's log.  The descriptors are close-on-exec: a process
   forked without exec (a Job's controller) must close them itself.  With `interrupted` (see pp_play_opts_t), a
   signal that sets it ends the wait: the lock fails and nothing is taken. */
int pp_play_lock (pp_context_t *ctx, char *const *play_files, size_t n, const volatile sig_atomic_t *interrupted,
                  pp_play_lock_t *lock, pp_error_t *err);
void pp_play_unlock (pp_play_lock_t *lock);

#endif
