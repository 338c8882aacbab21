/* `kube play` and `kube down`: manifests into running pods, and back out. */
#ifndef PP_PLAY_H
#define PP_PLAY_H

#include "core/context.h"
#include "core/error.h"
#include "schema/diag.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct pp_play_opts_s
{
  bool start;              /* false: create the pods, start nothing (--start=false) */
  const char *runtime;     /* "builtin" (NULL), "runc" or "crun" */
  bool replace;            /* recreate pods even when nothing of them changed, and take over pods of other plays */
  char *const *configmaps; /* --configmap: files of ConfigMaps the pods may name, beside the play's own */
  size_t n_configmaps;
  /* Set (to the signal's number) by the caller's handler of SIGINT or SIGTERM, or NULL: the play stops at its
     next step, fails and removes what it created. */
  const volatile sig_atomic_t *interrupted;
  const char *network; /* --network: a network's name, "host", "none", or NULL for the default network */
  char *const *publish; /* --publish: [IP:]HOSTPORT:CONTAINERPORT[/PROTO] */
  size_t n_publish;
  /* `run --pod`: a pod an earlier play of the file made, whose spec now has containers appended, gets them
     beside those that run, which go on (it is not replaced) */
  bool grow;
  /* The manifests are podplay's own (`run`, `pod create`): a Pod of no container yet may be played */
  bool own_manifest;
  /* `run -i` or `-t` attached: the containers it makes with a terminal or a stdin start once the client attached */
  bool attach;
} pp_play_opts_t;

/* What a play or a down did, in the order it did it, for the caller to print. */
typedef enum
{
  PP_PLAY_POD,
  PP_PLAY_JOB,
  PP_PLAY_VOLUME,
  PP_PLAY_SERVICE,
} pp_play_kind_t;

typedef enum
{
  PP_PLAY_CREATED,     /* and started, unless the play said --start=false */
  PP_PLAY_REPLACED,    /* a pod or Job of the same name, changed, was replaced (and the new one started) */
  PP_PLAY_UNCHANGED,   /* left alone: nothing of it changed */
  PP_PLAY_RECREATED,   /* the same as the file says, but not running as it says (an interrupted play, a monitor
                          killed, a pod stopped): made again */
  PP_PLAY_REMOVED,     /* by a down, or by a play (`why` says why) */
  PP_PLAY_NOT_REMOVED, /* a pod the play replaces or no longer holds that it could not remove (`why` says why) */
  PP_PLAY_GROWN,       /* a running pod got new containers (`run --pod`) */
} pp_play_action_t;

typedef struct
{
  char *name, *id, *image;
} pp_play_ctr_t;

typedef struct
{
  pp_play_kind_t kind;
  pp_play_action_t action;
  char *name;
  char *id;            /* a pod's */
  char *why;           /* PP_PLAY_REMOVED by a play: "no longer in FILE", "left over from an interrupted play" */
  char *status;        /* an unchanged pod's, as recorded ("Running", "Exited"...); a Service's address ("None"
                          when headless) */
  pp_play_ctr_t *ctrs; /* a pod's containers */
  size_t n_ctrs;
  int64_t completions, parallelism, backoff_limit, deadline; /* a Job's */
} pp_play_item_t;

typedef struct pp_play_result_s
{
  bool started; /* the pods were started (not --start=false) */
  pp_play_item_t *v;
  size_t n;
} pp_play_result_t;

void pp_play_result_release (pp_play_result_t *res);

/* Validates every document first (errors go to `diags`, nothing is created: returns 1), then creates and starts
   the pods; a failure removes every pod this play created.  What it did goes to `res` (on failure: what it
   removed for good, if anything). */
int pp_kube_play (pp_context_t *ctx, char *const *paths, size_t n, const pp_play_opts_t *opts, pp_diags_t *diags,
                  pp_play_result_t *res, pp_error_t *err);

/* Stops and removes the pods that playing these files (a directory: its manifests, as pp_manifest_expand finds
   them for the play) created, as the state database recorded them; with
   `force`, the volumes of their PersistentVolumeClaims too.  What it removed goes to `res`. */
int pp_kube_down (pp_context_t *ctx, char *const *paths, size_t n, bool force, pp_play_result_t *res, pp_error_t *err);

/* Stops (SIGTERM, then SIGKILL after `timeout` seconds, or the pod's own grace period when < 0) and removes a
   pod and everything of it. */
int pp_pod_remove (pp_context_t *ctx, const char *pod, int timeout, pp_error_t *err);

/* Whether a Job that playing these files started is still running (its controller makes or awaits pods). */
bool pp_jobs_running (pp_context_t *ctx, char *const *paths, size_t n);

/* Stops a Job's controller and removes its pods and its record. */
int pp_job_remove (pp_context_t *ctx, const char *name, pp_error_t *err);

#endif
