/* Plays and downs of the same file, one at a time: an flock per play file (as the state records it) under
   <runroot>/locks, so that a play and a down of one file never interleave their changes. */
#include "play/lock.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* The lock file of a play file: its name hashed, since a path may be longer than a file name. */
static char *
lock_path (pp_context_t *ctx, const char *play_file)
{
  return xasprintf ("%s/locks/play-%016llx.lock", ctx->runroot,
                    (unsigned long long)pp_fnv1a (play_file, strlen (play_file), PP_FNV_OFFSET));
}

static int
lock_one (pp_context_t *ctx, const char *play_file, const volatile sig_atomic_t *interrupted, pp_error_t *err)
{
  cleanup_free char *dir = xasprintf ("%s/locks", ctx->runroot);
  cleanup_free char *path = lock_path (ctx, play_file);
  if (pp_mkdir_p (dir, 0700) < 0)
    return pp_error_make (err, errno, "create `%s`", dir);
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return pp_error_make (err, errno, "open `%s`", path);
  if (flock (fd, LOCK_EX | LOCK_NB) == 0)
    return fd;
  if (errno == EWOULDBLOCK)
    {
      /* Said once, before the wait: the user sees why nothing happens. */
      pp_warning (ctx, "another kube play or kube down of %s is running: waiting for it to finish", play_file);
      /* Ctrl-C ends the wait (the caller's handler is installed without SA_RESTART, so flock returns EINTR). */
      int r = -1;
      errno = EINTR;
      while (!(interrupted && *interrupted) && (r = flock (fd, LOCK_EX)) < 0 && errno == EINTR)
        ;
      if (r == 0)
        return fd;
      if (errno == EINTR)
        {
          close (fd);
          return pp_error_make (err, 0,
                                "interrupted by SIG%s while waiting for another kube play or kube down of %s: "
                                "nothing was changed",
                                sigabbrev_np (*interrupted) ?: "?", play_file);
        }
    }
  int ret = pp_error_make (err, errno, "lock `%s` (for %s)", path, play_file);
  close (fd);
  return ret;
}

int
pp_play_lock (pp_context_t *ctx, char *const *play_files, size_t n, const volatile sig_atomic_t *interrupted,
              pp_play_lock_t *lock, pp_error_t *err)
{
  /* In one order, without repeats: two commands that lock the same files never wait on each other in a ring. */
  char **files = xzalloc ((n + 1) * sizeof (char *));
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    files[m++] = xstrdup (play_files[i]);
  qsort (files, m, sizeof *files, cmp_str);
  lock->fds = xzalloc ((m + 1) * sizeof (int));
  lock->n = 0;
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < m; i++)
    {
      if (i > 0 && strcmp (files[i], files[i - 1]) == 0)
        continue;
      int fd = lock_one (ctx, files[i], interrupted, err);
      if (fd < 0)
        ret = -1;
      else
        lock->fds[lock->n++] = fd;
    }
  pp_strv_free (files);
  if (ret < 0)
    pp_play_unlock (lock);
  return ret;
}

void
pp_play_unlock (pp_play_lock_t *lock)
{
  for (size_t i = 0; i < lock->n; i++)
    close (lock->fds[i]);
  free (lock->fds);
  lock->fds = NULL;
  lock->n = 0;
}
