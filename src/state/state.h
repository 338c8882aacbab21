/* The state database: pods and their containers in SQLite (WAL), changed in transactions, shared by every
   podplay process and the monitors, so a crash or two commands at once never leave half a record. */
#ifndef PP_STATE_H
#define PP_STATE_H

#include "core/context.h"
#include "core/error.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct pp_state pp_state_t;

typedef struct
{
  char *id;        /* 64 hex digits */
  char *name;      /* unique */
  char *namespace_;
  char *play_file; /* the manifest that created it, or NULL */
  char *spec_hash; /* of the pod's spec, to tell a re-play that changes nothing */
  char *status;    /* "Created", "Running", "Exited", ... */
  int64_t created; /* Unix seconds */
  int64_t monitor_pid;
  char *owner; /* "Job/<name>" for a pod a Job made, else NULL */
  char *object; /* the object it was made from, "Kind/name" ("Deployment/web"); NULL before schema 7 */
} pp_pod_rec_t;

/* A Job: what it asks for, how far it got, and its controller process (pid and start time, so that a reused pid
   is not taken for it). */
typedef struct
{
  char *name;
  char *namespace_;
  char *play_file;
  char *spec_hash;
  char *status; /* "Running", "Complete", "Failed" */
  char *reason; /* why it failed: "BackoffLimitExceeded", "DeadlineExceeded", or an error */
  int64_t completions, parallelism, backoff_limit, deadline; /* deadline: activeDeadlineSeconds, 0 for none */
  int64_t succeeded, failed, active, created_pods;
  int64_t controller_pid, controller_start;
  int64_t started, finished; /* Unix seconds */
} pp_job_rec_t;

typedef struct
{
  char *id;
  char *pod_id;
  char *name; /* unique in its pod */
  char *image;    /* as the manifest names it */
  char *image_id; /* the image it runs */
  bool init;
  bool sidecar; /* an init container with restartPolicy: Always, running beside the others */
  char *status;
  int64_t pid;
  int64_t exit_code; /* -1 while none */
  bool oom_killed;
  int64_t restarts;
  bool ready; /* running, started, and its readiness probe (if any) passing */
  int64_t started, finished; /* Unix seconds, 0 when not yet */
} pp_container_rec_t;

/* Opens (creating) `root`/state.db; waits up to 10 s for another process's transaction. */
int pp_state_open (pp_context_t *ctx, pp_state_t **state, pp_error_t *err);
void pp_state_close (pp_state_t *state);

/* A write transaction, taken at once (BEGIN IMMEDIATE) so that two writers queue instead of failing. */
int pp_state_begin (pp_state_t *state, pp_error_t *err);
int pp_state_commit (pp_state_t *state, pp_error_t *err);
void pp_state_rollback (pp_state_t *state);

/* A fresh random id of 64 hex digits. */
char *pp_state_new_id (void);

int pp_state_pod_add (pp_state_t *state, const pp_pod_rec_t *pod, pp_error_t *err);
/* By name, id, or an id prefix of at least 3 digits that only one pod has. */
int pp_state_pod_get (pp_state_t *state, const char *what, pp_pod_rec_t *pod, pp_error_t *err);
int pp_state_pod_list (pp_state_t *state, pp_pod_rec_t **pods, size_t *n, pp_error_t *err);
int pp_state_pod_set_status (pp_state_t *state, const char *id, const char *status, int64_t monitor_pid,
                             pp_error_t *err);
int pp_state_pod_rename (pp_state_t *state, const char *id, const char *name, pp_error_t *err);
/* Removes one container's record (a container added to a pod, taken back). */
int pp_state_container_remove (pp_state_t *state, const char *id, pp_error_t *err);
/* The hash of a pod's spec, once containers were added to it (`run --pod`). */
int pp_state_pod_set_hash (pp_state_t *state, const char *id, const char *hash, pp_error_t *err);
/* Removes a pod and its containers. */
int pp_state_pod_remove (pp_state_t *state, const char *id, pp_error_t *err);

/* The block of host ids of the pod's user namespace (hostUsers: false): its own if it has one, else the lowest
   block in [first, limit) that no pod holds, which it holds until its record is removed.  ENOSPC when none is
   free. */
int pp_state_userns_take (pp_state_t *state, const char *pod_id, uint32_t first, uint32_t limit, uint32_t *block,
                          pp_error_t *err);
/* The block pod `pod_id` holds: 0 with *block set, 1 when it holds none. */
int pp_state_userns_block (pp_state_t *state, const char *pod_id, uint32_t *block, pp_error_t *err);
/* The block pod `from` holds is pod `to`'s from now on (a replacement that borrowed it, as `from` goes); nothing
   when `from` holds none or `to` holds one. */
int pp_state_userns_move (pp_state_t *state, const char *from, const char *to, pp_error_t *err);

/* A pod network: its bridge, its subnet and gateway ("10.244.0.0/16", "10.244.0.1"), its IPv6 subnet and
   gateway ("fd00:10:244::/64", "fd00:10:244::1"; NULL for a network of IPv4 only), whether it reaches nothing
   outside (internal); `pods`, when listed, is how many pods hold an address in it.  A pod's offset gives its
   address in both subnets. */
typedef struct
{
  char *name;
  char *bridge;
  char *subnet;
  char *gateway;
  bool internal;
  int64_t created;
  int64_t pods;
  char *subnet6;
  char *gateway6;
} pp_network_rec_t;

int pp_state_network_add (pp_state_t *state, const pp_network_rec_t *net, pp_error_t *err);
/* The network of that name (none or one), or every network when `name` is NULL, by name. */
int pp_state_network_list (pp_state_t *state, const char *name, pp_network_rec_t **nets, size_t *n,
                           pp_error_t *err);
/* Fails (a constraint) while a pod holds an address in it. */
int pp_state_network_remove (pp_state_t *state, const char *name, pp_error_t *err);
/* The address offset of the pod in `network`: its own if it has one, else the lowest in [first, limit) that no pod
   of that network holds, which it holds until its record is removed.  ENOSPC when none is free. */
int pp_state_address_take (pp_state_t *state, const char *pod_id, const char *network, uint64_t first,
                           uint64_t limit, uint64_t *offset, pp_error_t *err);
/* The pod's network (when `network` is not NULL, the caller's to free) and offset: 0, or 1 when it has none. */
int pp_state_address_get (pp_state_t *state, const char *pod_id, char **network, uint64_t *offset, pp_error_t *err);
void pp_network_rec_release (pp_network_rec_t *net);
void pp_network_recs_free (pp_network_rec_t *nets, size_t n);

/* A Service: its virtual address ("10.96.0.1"; NULL when headless) and what the data path needs of its spec, as
   JSON: {"type", "selector": {}, "affinity": bool, "notReady": bool, "ports": [{"name", "protocol", "port",
   "targetPort" (a number or a name)}]}. */
typedef struct
{
  char *namespace_;
  char *name;
  char *play_file;
  char *spec_hash;
  char *cluster_ip;
  char *spec;
  int64_t created;
} pp_service_rec_t;

/* Adds a Service, or replaces the record of the Service of that namespace and name; EEXIST when another has
   its address. */
int pp_state_service_put (pp_state_t *state, const pp_service_rec_t *svc, pp_error_t *err);
/* The Services that playing `play_file` made, or every one when it is NULL, by namespace and name. */
int pp_state_service_list (pp_state_t *state, const char *play_file, pp_service_rec_t **svcs, size_t *n,
                           pp_error_t *err);
int pp_state_service_remove (pp_state_t *state, const char *namespace_, const char *name, pp_error_t *err);
void pp_service_recs_free (pp_service_rec_t *svcs, size_t n);

/* An object a play applied, as YAML: the pods, workloads, ConfigMaps, Secrets, claims and Services of a file, in
   the file's order (`seq`). */
typedef struct
{
  char *play_file, *kind, *namespace_, *name, *yaml;
  int64_t seq;
} pp_object_rec_t;

/* Replaces the objects recorded for `play_file` by `v` (their play_file and seq are the row's own). */
int pp_state_objects_put (pp_state_t *state, const char *play_file, const pp_object_rec_t *v, size_t n,
                          pp_error_t *err);
/* The objects of `play_file` in order, or of every file (NULL) by file and order. */
int pp_state_objects_list (pp_state_t *state, const char *play_file, pp_object_rec_t **v, size_t *n,
                           pp_error_t *err);
void pp_object_recs_free (pp_object_rec_t *v, size_t n);

/* What Services select a pod by: its labels ({"k": "v"}) and named container ports ({"http": {"port": 8080,
   "protocol": "TCP"}}), both JSON; and its spec.hostname and spec.subdomain (NULL when not given), by which names
   give it; gone with the pod's record. */
int pp_state_pod_labels_put (pp_state_t *state, const char *pod_id, const char *labels, const char *ports,
                             const char *hostname, const char *subdomain, pp_error_t *err);
/* The labels recorded with a pod (JSON; to free), NULL for none. */
int pp_state_pod_labels_get (pp_state_t *state, const char *pod_id, char **labels, pp_error_t *err);

/* A pod that a Service may send to: one with labels recorded and an address in a network. */
typedef struct
{
  char *pod_id, *pod_name, *namespace_;
  char *labels, *ports; /* JSON, as recorded */
  char *subnet;         /* of its network; its address is the `offset`th of it */
  uint64_t offset;
  bool ready; /* running, and every container that is not an init container ready */
  char *network;             /* its network's name */
  char *hostname, *subdomain; /* of its spec, or NULL */
  char *subnet6;              /* of its network, or NULL: its IPv6 address is the `offset`th of it */
} pp_endpoint_rec_t;

int pp_state_endpoint_list (pp_state_t *state, pp_endpoint_rec_t **eps, size_t *n, pp_error_t *err);
void pp_endpoint_recs_free (pp_endpoint_rec_t *eps, size_t n);

/* A number that changes whenever another connection has committed to the database since (SQLite's
   data_version): what a reader that keeps a copy asks before it reads again. */
uint64_t pp_state_data_version (pp_state_t *state);

int pp_state_container_add (pp_state_t *state, const pp_container_rec_t *c, pp_error_t *err);
/* The containers of a pod, or of every pod when `pod_id` is NULL. */
int pp_state_container_list (pp_state_t *state, const char *pod_id, pp_container_rec_t **cs, size_t *n,
                             pp_error_t *err);
/* Records what changed of a container: status, pid, exit code, OOM kill, restarts, times. */
int pp_state_container_update (pp_state_t *state, const pp_container_rec_t *c, pp_error_t *err);

/* Adds a Job, or replaces the record of the Job of that name. */
int pp_state_job_put (pp_state_t *state, const pp_job_rec_t *job, pp_error_t *err);
/* The Job of that name (none or one), or every Job when `name` is NULL. */
int pp_state_job_list (pp_state_t *state, const char *name, pp_job_rec_t **jobs, size_t *n, pp_error_t *err);
int pp_state_job_remove (pp_state_t *state, const char *name, pp_error_t *err);

void pp_pod_rec_release (pp_pod_rec_t *pod);
void pp_pod_recs_free (pp_pod_rec_t *pods, size_t n);
void pp_container_rec_release (pp_container_rec_t *c);
void pp_container_recs_free (pp_container_rec_t *cs, size_t n);
void pp_job_rec_release (pp_job_rec_t *job);
void pp_job_recs_free (pp_job_rec_t *jobs, size_t n);

#endif
