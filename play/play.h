/* `kube play` and `kube down`: manifests into running pods, and back out. */
#ifndef PP_PLAY_H
#define PP_PLAY_H

#include "core/context.h"
#include "core/error.h"
#include "schema/diag.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct
{
  bool start;          /* false: create the pods, start nothing (--start=false) */
  const char *runtime; /* "builtin" (NULL), "runc" or "crun" */
  bool json;           /* the summary as JSON */
  bool replace;        /* recreate pods even when nothing of them changed, and take over pods of other plays */
  char *const *configmaps; /* --configmap: files of ConfigMaps the pods may name, beside the play's own */
  size_t n_configmaps;
} pp_play_opts_t;

/* Validates every document first (errors go to `diags`, nothing is created: returns 1), then creates and starts
   the pods; a failure removes every pod this play created.  Prints one line per pod to `out`. */
int pp_kube_play (pp_context_t *ctx, char *const *paths, size_t n, const pp_play_opts_t *opts, pp_diags_t *diags,
                  FILE *out, pp_error_t *err);

/* Stops and removes the pods that playing these files created, as the state database recorded them; with
   `force`, the volumes of their PersistentVolumeClaims too. */
int pp_kube_down (pp_context_t *ctx, char *const *paths, size_t n, bool force, FILE *out, pp_error_t *err);

/* Stops (SIGTERM, then SIGKILL after `timeout` seconds, or the pod's own grace period when < 0) and removes a
   pod and everything of it. */
int pp_pod_remove (pp_context_t *ctx, const char *pod, int timeout, pp_error_t *err);

/* Whether a Job that playing these files started is still running (its controller makes or awaits pods). */
bool pp_jobs_running (pp_context_t *ctx, char *const *paths, size_t n);

/* Stops a Job's controller and removes its pods and its record. */
int pp_job_remove (pp_context_t *ctx, const char *name, pp_error_t *err);

#endif
