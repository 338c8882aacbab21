/* Probes run by a pod's monitor from outside the container: exec (joining the container), httpGet, tcpSocket and
   grpc (from the pod's network namespace), so that an image needs no curl.  Each check is a short-lived child
   process; the monitor keeps the counts and acts on them. */
#ifndef PP_PROBE_H
#define PP_PROBE_H

#include "runtime/runtime.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef enum
{
  PP_PROBE_STARTUP,
  PP_PROBE_LIVENESS,
  PP_PROBE_READINESS,
  PP_PROBE_KINDS
} pp_probe_kind_t;

/* The kubelet's, which servers may look for in their logs or match on. */
#define PP_PROBE_USER_AGENT "kube-probe/1.36"

extern const char *const pp_probe_names[PP_PROBE_KINDS]; /* "startupProbe", ... */

typedef struct
{
  json_t *spec; /* from pod.json: {"exec": [...]} | {"http": {...}} | {"tcp": {...}} | {"grpc": {...}}, and the
                   timings; NULL: none */
  int64_t initial_ms, period_ms, timeout_ms;
  int success_threshold, failure_threshold;
  int64_t grace_s; /* its own terminationGracePeriodSeconds (liveness, startup), or -1 for the pod's */
  int64_t next_ms;
  int successes, failures;
  pid_t child;
  int64_t deadline_ms;
} pp_probe_t;

/* Reads a probe's spec and timings (Kubernetes' defaults: period 10 s, timeout 1 s, thresholds 1 and 3). */
void pp_probe_init (pp_probe_t *p, json_t *spec);
/* Due again `initial` after a (re)start of its container. */
void pp_probe_arm (pp_probe_t *p, int64_t now_ms);

typedef struct
{
  const char *netns;      /* the pod's network namespace file, or NULL (hostNetwork) */
  const pp_runtime_t *rt; /* what runs the container: exec checks enter it through it */
  pp_runtime_ctr_t ctr;
} pp_probe_target_t;

/* Starts one check as a child process that exits 0 on success. */
pid_t pp_probe_launch (const pp_probe_t *p, const pp_probe_target_t *t);

#endif
