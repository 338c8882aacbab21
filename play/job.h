/* The Job controller: a process of its own per Job that makes the Job's pods until enough succeed, too many fail
   or its deadline passes, as Kubernetes' Job controller does. */
#ifndef PP_JOB_H
#define PP_JOB_H

#include "core/context.h"
#include "core/error.h"
#include "state/state.h"

#include <stdbool.h>

/* How the controller makes one pod of the Job: records, sets up and starts it under `name` (and removes whatever
   it made of it when it fails). */
typedef struct
{
  int (*make_pod) (void *arg, pp_state_t *state, const char *name, pp_error_t *err);
  void *arg;
  bool host_network; /* its pods are on the host's network: the controller is started there (pp_infra_host_side) */
} pp_job_maker_t;

/* The owner recorded for the pods of Job `name`. */
char *pp_job_owner (const char *name);

/* Starts the controller of the Job recorded as `name`: a process forked from this one (it keeps the plan it
   makes pods from), detached in its own session.  Returns once it has started the first pods, or with the error
   that stopped it (the controller then has exited). */
int pp_job_start (pp_context_t *ctx, const char *name, const pp_job_maker_t *maker, pp_error_t *err);

/* Whether the Job's controller runs (the recorded pid, started when recorded). */
bool pp_job_controller_alive (const pp_job_rec_t *job);

/* Stops the Job's controller, if it runs, and waits until it is gone: it makes no more pods after this. */
int pp_job_stop_controller (const pp_job_rec_t *job, pp_error_t *err);

#endif
