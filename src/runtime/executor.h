/* The built-in executor: runs an OCI bundle in new namespaces, as runc would, with podplay's own code. */
#ifndef PP_EXECUTOR_H
#define PP_EXECUTOR_H

#include "core/error.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct
{
  int stdin_fd, stdout_fd, stderr_fd; /* -1: the caller's own */
  bool kill_with_parent;              /* SIGKILL when the caller dies (a monitor's containers die with it) */
  /* With process.terminal: a Unix socket over which the container's terminal master comes back (pp_recv_fd), as
     runc's --console-socket; the terminal, made in the container's own devpts, is its stdio.  -1: no terminal. */
  int console_sock;
} pp_executor_io_t;

/* Starts the bundle in `dir` (config.json and its root) as a child of the caller and returns its pid once the
   container's process has been exec'd.  Everything is computed from config.json before the clone; an error in the
   child after it reaches the caller through a pipe and is reported once.  A PID namespace given by path is joined
   by the caller itself (its later children go there too): a pod's monitor does that once.  `io` may be NULL. */
int pp_executor_start (const char *dir, const pp_executor_io_t *io, pid_t *pid, pp_error_t *err);
/* pp_executor_start in two halves, for a caller that starts several containers at once: launch clones the
   container's process and returns; started waits until it has exec'd (*pid) or failed, and frees `l`. */
typedef struct pp_executor_launch pp_executor_launch_t;
int pp_executor_launch (const char *dir, const pp_executor_io_t *io, pp_executor_launch_t **l, pp_error_t *err);
int pp_executor_started (pp_executor_launch_t *l, pid_t *pid, pp_error_t *err);
/* Once the container's process is gone: kills what it left running and removes its cgroup (linux.cgroupsPath),
   as `runc delete` does.  Nothing left is not an error. */
int pp_executor_delete (const char *dir, pp_error_t *err);
/* Runs the bundle in the foreground with the caller's stdio and waits: *status gets the exit code (128 + signal
   when killed), and deletes it. */
int pp_executor_run (const char *dir, int *status, pp_error_t *err);

typedef struct
{
  int stdin_fd;  /* -1: /dev/null is not forced; the caller's stdin is kept only when >= 0 */
  int tty_fd;    /* a terminal's slave side to be the process's controlling terminal and stdio, or -1 */
  bool user_set; /* run as uid:gid rather than the container's user */
  uint32_t uid, gid;
  void (*started) (void *data); /* called once the process runs (a terminal relay starts then) */
  void *data;
} pp_exec_opts_t;

/* Runs `argv` in the running container whose process is `target`, as a process of it: its namespaces, cgroups,
   user, capabilities, seccomp filter and environment (from the bundle's config.json).  Waits; *status gets the
   exit code. */
int pp_executor_exec (const char *dir, pid_t target, char *const *argv, const pp_exec_opts_t *o, int *status,
                      pp_error_t *err);

#endif
