/* What runs a pod's containers: the built-in executor or an installed OCI runtime (runc, crun), behind one small
   table of operations, one file each (runtime_builtin.c, runtime_oci.c), as the cgroup drivers are. */
#ifndef PP_RUNTIME_H
#define PP_RUNTIME_H

#include "core/error.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* A container as a runtime knows it. */
typedef struct
{
  const char *runroot; /* podplay's runtime root: an OCI runtime keeps its own state under <runroot>/<name> */
  const char *id;      /* the container's id: the runtime's name for it */
  const char *bundle;  /* its bundle directory (config.json) */
  pid_t pid;           /* its process, once started */
} pp_runtime_ctr_t;

/* A started container's standard streams, and the end of the terminal's hand-over that start takes. */
typedef struct
{
  int stdin_fd, stdout_fd, stderr_fd;
  int console; /* with process.terminal: console[1] of console_open, else -1 */
} pp_runtime_io_t;

/* How an exec's process runs. */
typedef struct
{
  bool stdin;    /* the caller's stdin is the process's; else /dev/null */
  bool tty;      /* a terminal, relayed to the caller's standard streams */
  bool user_set; /* as uid:gid rather than the container's user */
  uint32_t uid, gid;
} pp_runtime_exec_t;

typedef struct pp_runtime pp_runtime_t;

struct pp_runtime
{
  const char *name; /* "builtin", "runc", "crun" */
  /* An installed program, which keeps state under <runroot>/<name> and enters a user-namespaced pod's root
     filesystem as the pod's root: every directory above the runroot must let that root search it. */
  bool external;
  /* The terminal's hand-over: console[0] is kept, to receive the terminal's master on once start has returned;
     console[1] goes to start (io.console) and is closed after it.  Both close-on-exec. */
  int (*console_open) (int console[2], pp_error_t *err);
  /* The terminal's master (non-blocking) from console[0]; -1 with err when it did not come. */
  int (*console_receive) (const pp_runtime_t *rt, int console0, pp_error_t *err);
  /* Starts the container detached, as a child of the caller (a subreaper, for a runtime whose own process
     exits), once its process runs: *pid is that process. */
  int (*start) (const pp_runtime_t *rt, const pp_runtime_ctr_t *c, const pp_runtime_io_t *io, pid_t *pid,
                pp_error_t *err);
  /* start in two halves, for a monitor that starts a pod's containers at once, or NULL: launch makes the
     container's process and returns (*launch is what `started` takes); started waits until it runs (*pid). */
  int (*launch) (const pp_runtime_t *rt, const pp_runtime_ctr_t *c, const pp_runtime_io_t *io, void **launch,
                 pp_error_t *err);
  int (*started) (void *launch, pid_t *pid, pp_error_t *err);
  /* Runs `argv` in the running container as a process of it (its namespaces, cgroup, user, capabilities and
     seccomp filter), touching nothing of the container; waits, and *status gets the exit status.  An error with
     status ESRCH: the container has ended (its process or cgroup is gone). */
  int (*exec) (const pp_runtime_t *rt, const pp_runtime_ctr_t *c, char *const *argv, const pp_runtime_exec_t *o,
               int *status, pp_error_t *err);
  /* Sends `sig` to the container's process. */
  int (*kill) (const pp_runtime_t *rt, const pp_runtime_ctr_t *c, int sig, pp_error_t *err);
  /* Once the container's process is gone: what it left (processes, cgroup, the runtime's record). */
  int (*delete) (const pp_runtime_t *rt, const pp_runtime_ctr_t *c, pp_error_t *err);
};

extern const pp_runtime_t pp_runtime_builtin;
extern const pp_runtime_t pp_runtime_runc;
extern const pp_runtime_t pp_runtime_crun;
/* Every runtime, NULL-terminated. */
extern const pp_runtime_t *const pp_runtimes[];

/* The runtime called `name`: NULL and "builtin" are the built-in executor; NULL with err when unknown. */
const pp_runtime_t *pp_runtime_find (const char *name, pp_error_t *err);
/* Where an external runtime keeps its containers' state: <runroot>/<name>; NULL for the built-in executor. */
char *pp_runtime_state_root (const pp_runtime_t *rt, const char *runroot);

#endif
