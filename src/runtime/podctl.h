/* What a user does to pods and containers that exist, beyond listing them: start a stopped pod again, run a
   command in a running container.  The CLI parses the flags, makes one call here and prints. */
#ifndef PP_PODCTL_H
#define PP_PODCTL_H

#include "core/context.h"
#include "core/error.h"
#include "state/state.h"

#include <stdbool.h>

/* Which container `what` names among the pods' (cs[i] holds the n_cs[i] containers of pods[i]): `<pod>-<name>`,
   its id, an id prefix of 3 characters or more, or a name only one pod has.  *pi and *ci say where. */
int pp_ctr_match (const pp_pod_rec_t *pods, size_t n_pods, pp_container_rec_t *const *cs, const size_t *n_cs,
                  const char *what, size_t *pi, size_t *ci, pp_error_t *err);

/* Starts a pod that is not running again: its namespaces, /etc files and volumes made again where a reboot
   dropped them, its containers' root filesystems mounted, its monitor started.  A running pod is left alone. */
int pp_pod_start (pp_context_t *ctx, pp_state_t *state, const pp_pod_rec_t *pod, pp_error_t *err);

typedef struct
{
  const char *container; /* as pp_ctr_match takes it */
  char *const *argv;     /* the command, NULL-terminated */
  bool interactive;      /* the caller's stdin goes to the command (else /dev/null) */
  bool tty;              /* a terminal, relayed to the caller's */
  const char *user;      /* USER[:GROUP] as the container's /etc/passwd and /etc/group name them, or NULL */
} pp_ctr_exec_opts_t;

/* Runs a command in a running container as `podplay exec` does, through the runtime that runs the container, and
   waits.  0: *status is the command's exit status.  -1 with err: *status is what the CLI exits with, as Podman:
   125 for podplay's own errors (no such container, not running, ended meanwhile), 127 when the command is not in
   the container, 126 when it cannot run. */
int pp_ctr_exec (pp_context_t *ctx, const pp_ctr_exec_opts_t *o, int *status, pp_error_t *err);

/* The container `what` names (POD-CONTAINER, a container of one pod, an id) and its pod, as they are now. */
int pp_ctr_lookup (pp_context_t *ctx, const char *what, pp_pod_rec_t *pod, pp_container_rec_t *ctr, pp_error_t *err);

#endif
