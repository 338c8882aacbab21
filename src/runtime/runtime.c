/* The table of runtimes and what their backends share: see runtime.h. */
#include "runtime/runtime_internal.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>

const pp_runtime_t *const pp_runtimes[] = { &pp_runtime_builtin, &pp_runtime_runc, &pp_runtime_crun, NULL };

const pp_runtime_t *
pp_runtime_find (const char *name, pp_error_t *err)
{
  if (name == NULL)
    return &pp_runtime_builtin;
  for (size_t i = 0; pp_runtimes[i]; i++)
    if (strcmp (pp_runtimes[i]->name, name) == 0)
      return pp_runtimes[i];
  pp_error_make (err, 0, "unknown runtime `%s`: podplay runs builtin, runc or crun", name);
  return NULL;
}

char *
pp_runtime_state_root (const pp_runtime_t *rt, const char *runroot)
{
  return rt->external ? xasprintf ("%s/%s", runroot, rt->name) : NULL;
}

int
pp_runtime_kill_process (const pp_runtime_t *rt, const pp_runtime_ctr_t *c, int sig, pp_error_t *err)
{
  (void)rt;
  if (c->pid <= 0 || (kill (c->pid, sig) < 0 && errno != ESRCH))
    return pp_error_make (err, c->pid <= 0 ? ESRCH : errno, "signal container %s", c->id);
  return 0;
}

int
pp_runtime_recv_terminal (int sock, pp_error_t *err)
{
  int fd = pp_recv_fd (sock);
  if (fd < 0)
    return pp_error_make (err, errno, "receive the container's terminal");
  if (fcntl (fd, F_SETFL, O_NONBLOCK) < 0)
    {
      int e = errno;
      close (fd);
      return pp_error_make (err, e, "make the container's terminal non-blocking");
    }
  return fd;
}
