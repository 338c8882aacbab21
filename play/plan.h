/* What a play is made of while it runs, shared by its phases: load and plan (plan.c), images (images.c), names
   against the state (names.c), container and pod specs (spec.c), apply and rollback (apply.c). */
#ifndef PP_PLAY_PLAN_H
#define PP_PLAY_PLAN_H

#include "image/store.h"
#include "net/ip.h"
#include "play/env.h"
#include "play/lock.h"
#include "play/play.h"
#include "play/volumes.h"
#include "runtime/pod.h"
#include "schema/manifest.h"
#include "state/state.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct
{
  const pp_node_t *node;
  const char *name, *image_ref, *pull_policy;
  bool init;
  bool volume; /* an image volume's image, resolved as a container's is: `name` is the volume's */
  pp_image_t image;
  bool have_image;
} pp_ctr_plan_t;

typedef struct
{
  const pp_node_t *node;        /* the object: a Pod, or the Deployment or DaemonSet it is a replica of */
  const pp_node_t *spec, *meta; /* the pod's own: the object's, or its template's */
  const pp_doc_t *doc;
  char *name;
  const char *namespace_;
  char *hostname;
  const char *restart_policy;
  int64_t grace;
  pp_ctr_plan_t *c;
  size_t n;
  pp_ctr_plan_t *vimg; /* the images of image volumes */
  size_t n_vimg;
  char *dir;                       /* the folder of its file: relative hostPath paths start there */
  char *play_file;                 /* the file as recorded: its real path, or "-" */
  char hash[17];                   /* of what makes the pod: a re-play that changes nothing leaves it alone */
  char *existing;                  /* the id of the pod of this name from an earlier play of the file */
  char *ports_from;                /* a pod the play removes whose hostPorts this new one takes over */
  char *hosts_extra, *resolv_conf; /* of hostAliases, dnsPolicy and dnsConfig */
  bool unchanged;
  bool stale;          /* the same as recorded, but not running as the file says: made again */
  bool grown;          /* the pod `existing` got the containers after its first n_before (play's `grow`) */
  size_t n_before;
  json_t *old_plan;    /* a grown pod's pod.json before, for a rollback */
  char *old_hash;      /* and its spec's hash */
  bool attach_first;   /* play's `attach`: its containers from n_before on with a terminal or stdin wait for it */
  pp_monitor_start_t monitor; /* the started monitor, until it says the containers run */
  size_t job;          /* for the template of a Job's pods: its index in the jobs, plus one; else 0 */
  const char *owner;   /* the Job that makes the pod ("Job/<name>"), or NULL */
  const char *runtime; /* runtimeClassName, else --runtime: "builtin" (NULL), "runc" or "crun" */
  /* filled while applying */
  char *id;
  char **ctr_ids;
  pp_volumes_t vols;
  uint32_t userns_base; /* hostUsers: false: the first host id its user namespace maps, else 0 */
  bool userns_borrowed; /* ...on the block of the pod `existing`, which it gets as that pod goes */
  bool host_network;    /* hostNetwork, or --network host */
  json_t *net;          /* its place in a pod network (pp_network_pod_take), or NULL */
  json_t *ports;        /* what it publishes on the host: [{protocol, hostIP, hostPort, containerPort}] */
  json_t *services;     /* the play's pp_plan_services_env, for its service links (borrowed) */
  char pod_ip[46], host_ip[46]; /* status.podIP and status.hostIP */
  char pod_ips[94];             /* status.podIPs: its IPv4 address, and its IPv6 one after a comma */
} pp_pod_plan_t;

/* A Job: what it asks for; its pods are made from a template pod plan by its controller. */
typedef struct
{
  const pp_node_t *node;
  char *name, *owner;
  int64_t completions, parallelism, backoff_limit, deadline;
  size_t tmpl;  /* the index of its template in the pod plans */
  bool started; /* by this play: a rollback removes it */
  bool existed; /* a Job of this name was recorded: it is replaced, or left alone when unchanged */
} pp_job_plan_t;

/* A Service of the play. */
typedef struct
{
  const pp_node_t *node, *spec;
  const pp_doc_t *doc;
  char *name;
  const char *namespace_;
  char *play_file;
  char *existing_file; /* the file of the Service of that name recorded, when there is one */
  char hash[17];
  char ip[46]; /* its address; "" when headless */
  bool headless, existed, unchanged;
  json_t *json; /* what is recorded of its spec (pp_service_rec_t), node ports chosen */
} pp_svc_plan_t;

/* One play: its inputs, its plan, and what it has done so far (for the rollback). */
typedef struct
{
  pp_context_t *ctx;
  const pp_play_opts_t *opts;
  char *const *paths;
  size_t n_paths;
  pp_diags_t *diags;
  pp_docs_t docs, cm_docs;
  pp_pod_plan_t *pods;
  size_t n;
  pp_job_plan_t *jobs;
  size_t n_jobs;
  pp_svc_plan_t *svcs;
  size_t n_svcs;
  json_t *svc_env; /* pp_plan_services_env, once its Services have addresses */
  pp_play_objects_t objs;
  pp_state_t *state;
  pp_play_lock_t lock; /* of the play's files, from the names' check to the end */
  bool *made_claims;   /* per claim of `objs`: its volume was made by this play */
  pp_play_result_t *res;
} pp_play_t;

/* ---- plan.c: the manifests loaded and validated, their objects turned into pod and Job plans ---- */

const pp_node_t *pp_plan_path (const pp_node_t *n, const char *a, const char *b);
const char *pp_plan_str (const pp_node_t *n, const char *key);
bool pp_plan_int (const pp_node_t *n, const char *key, int64_t *out);
bool pp_plan_bool (const pp_node_t *n, const char *key);
/* A native sidecar: an init container with restartPolicy Always, which runs beside the main containers. */
bool pp_plan_is_sidecar (const pp_ctr_plan_t *c);
/* The pod's resolv.conf for its dnsPolicy and dnsConfig, with the cluster's resolver at `nameserver` (NULL: the
   pod has no pod network); NULL when the host's serves. */
char *pp_plan_resolv_conf (const pp_node_t *spec, const char *namespace_, const char *nameserver);

/* Whether the pod's containers get a user namespace of their own: hostUsers: false, said as such. */
bool pp_plan_user_namespace (const pp_node_t *spec);
/* FNV-1a over a node tree, keys and scalars and structure: the same template gives the same hash. */
uint64_t pp_plan_node_hash (const pp_node_t *n, uint64_t h);
/* The hostname is the pod's name (or spec.hostname), cut to the 63 characters a hostname may have. */
void pp_plan_set_hostname (pp_pod_plan_t *p);

/* The pods and Jobs of the loaded documents planned, their ConfigMaps, Secrets and claims gathered. */
void pp_plan_collect (pp_play_t *play);
/* A List (or a FooList) of objects. */
bool pp_plan_is_list (const char *kind);
/* Whether play does something with an object of this kind (validation names the others in a warning). */
bool pp_plan_is_played (const char *kind);

/* ---- load.c ---- */

/* Loads and validates the play's files and its --configmap files, keeping what the play may use, and plans their
   pods and Jobs; 1 when a document is invalid (the errors are in the diagnostics). */
int pp_plan_load (pp_play_t *play, pp_error_t *err);
/* Every reference to a ConfigMap or Secret, and every volume, checked before anything is created. */
int pp_plan_check_refs (pp_play_t *play, pp_error_t *err);
/* Releases what pp_play_apply_pod filled in (the pod's id, its containers' ids, its volumes): a Job's template
   is applied again for its next pod. */
void pp_plan_release_applied (pp_pod_plan_t *p);
void pp_plan_free (pp_play_t *play);

/* ---- images.c ---- */

/* The images of every container and image volume, found in the store or pulled by their pull policies. */
int pp_plan_resolve_images (pp_play_t *play, pp_error_t *err);

/* ---- names.c: the plan against the state database ---- */

/* The file a record names for `path`: its real path, or "-". */
char *pp_play_file_of (const char *path);
/* Hashes, play files, names unique in the play and on the machine, the pods and Jobs an earlier play of the
   same files made (unchanged or replaced). */
int pp_plan_check_names (pp_play_t *play, pp_error_t *err);

/* The record of a document of `doc_file`: the play's argument that names it, or the file itself. */
char *pp_play_file_for (const pp_play_t *play, const char *doc_file);
/* Whether a record's play file is one of this play's. */
bool pp_play_holds_file (const pp_play_t *play, const char *play_file);

/* ---- services.c ---- */

/* A map of strings as a JSON object (labels, a selector). */
json_t *pp_plan_str_map (const pp_node_t *m);
void pp_plan_add_service (pp_svc_plan_t **v, size_t *n, const pp_doc_t *doc, const pp_node_t *obj);
void pp_plan_free_services (pp_svc_plan_t *v, size_t n);
/* Names unique, protocols TCP or UDP, addresses in the range and free, before anything is created. */
int pp_plan_check_services (pp_play_t *play, pp_error_t *err);
/* The Services there will be once the play is applied, as service links read them (pp_env_pod_t): those of other
   files recorded, and the play's own with their addresses. */
json_t *pp_plan_services_env (const pp_play_t *play, pp_error_t *err);
/* The ports Services publish on the host once the play is applied (its own Services', after
   pp_plan_check_services, and those recorded that it leaves): [{"hostPort", "protocol", "service", "file" (of
   the play's own only)}]. */
json_t *pp_plan_service_host_ports (const pp_play_t *play, pp_error_t *err);
/* Records the play's Services (and removes those its files no longer hold), then sets the rules. */
int pp_play_apply_services (pp_play_t *play, pp_error_t *err);
/* Removes the Services that playing `files` (NULL-ended) made, and their rules. */
int pp_play_down_services (pp_context_t *ctx, pp_state_t *state, char *const *files, pp_play_result_t *res,
                           pp_error_t *err);

/* ---- objects.c ---- */

/* Records the objects the play applied (as YAML, per file, in order) for `kube generate`, in place of what an
   earlier play of its files recorded. */
int pp_play_record_objects (pp_play_t *play, pp_error_t *err);
/* An object made rather than read (`run`, `kube generate`): apiVersion, kind and metadata's name and namespace
   (NULL: none). */
pp_node_t *pp_object_new (pp_arena_t *a, const char *api_version, const char *kind, const char *name,
                          const char *namespace_);
/* The claim of a named volume no manifest describes, as podplay makes one and Podman writes one: ReadWriteOnce,
   1Gi (what a cluster needs, and a named volume does not know). */
pp_node_t *pp_object_claim (pp_arena_t *a, const char *name);

/* ---- ports.c ---- */

/* --publish [IP:]HOST:CTR[/PROTO]: "TCP" or "UDP", the IPv4 address ("" for every one), and the two ports. */
int pp_publish_parse (const char *spec, const char **proto, char ip[PP_IP_STRLEN], int64_t *host_port,
                      int64_t *ctr_port, pp_error_t *err);

/* What each pod publishes (hostPort, --publish), checked against the play, other plays' pods and the host's
   processes before anything is created. */
int pp_plan_check_ports (pp_play_t *play, pp_error_t *err);
/* Whether a process of the host holds `port` of `proto` ("TCP", "UDP") on `ip` (NULL or "": any): 1 and
   " by process PID (COMM)" or "" in *holder (the caller frees it), 0 when free, -1 with errno when it cannot
   tell. */
int pp_port_host_taken (const char *proto, const char *ip, int64_t port, char **holder);
/* The name a pod that replaces another is recorded under until the other is gone: no Kubernetes name has a `~`. */
char *pp_play_replacement_name (const char *name);
/* The steps in which a play takes away what it replaces (see names.c). */
typedef enum
{
  PP_PLAY_STEP_LEFTOVERS, /* before the new pods are made: what an interrupted play left */
  PP_PLAY_STEP_JOBS,      /* once they run, before the new Jobs start: the Jobs that go, with their pods */
  PP_PLAY_STEP_PODS,      /* last: the pods replaced or no longer held; best-effort, never fails once begun */
} pp_play_step_t;
int pp_play_remove_outdated (pp_play_t *play, pp_play_step_t step, pp_error_t *err);
/* The file a claim records: the play file of the document that holds it. */
char *pp_play_claim_file (const pp_play_t *play, const pp_node_t *claim);

/* ---- spec.c: what the runtime and the monitor read ---- */

/* The pod's FQDN when it has a subdomain; NULL without one. */
char *pp_spec_pod_fqdn (const pp_pod_plan_t *p);
/* config.json of container `i` of the pod. */
int pp_spec_write_bundle (pp_context_t *ctx, const pp_play_objects_t *objs, const pp_pod_plan_t *p, size_t i,
                          const char *ctr_id, pp_error_t *err);
/* pod.json: what the monitor runs. */
/* Where this user has no cgroups (pp_cgroup_base), the containers get none and the pod no limits. */
json_t *pp_spec_pod_json (const pp_pod_plan_t *p, const char *runtime, const char *netns);
/* The limits (and CPU requests) of `pods` that their cgroups cannot hold, for want of a cgroup of the user's or
   of a controller in it: "pod a: memory; pod b container c: cpu, pids", or NULL for none. */
char *pp_spec_limited (const pp_pod_plan_t *pods, size_t n);

/* ---- apply.c ---- */

/* Creates the new and changed pods, starts Jobs, removes what the play replaces, and rolls back on failure. */
int pp_play_apply (pp_play_t *play, pp_error_t *err);

/* ---- down.c ---- */

/* Removes a pod by its record: the monitor stopped, its containers' leftovers, mounts, files, the record. */
int pp_play_remove_pod_rec (pp_context_t *ctx, pp_state_t *state, pp_pod_rec_t *pod, int timeout, pp_error_t *err);
/* Whether the pod's monitor runs: the one recorded, or (for a pod still Created) one started by a play that was
   killed before the monitor recorded itself, found among the processes; `pod` gets its pid. */
bool pp_play_find_monitor (pp_pod_rec_t *pod);
/* Removes a Job: its controller, its pods, its record. */
int pp_play_remove_job (pp_context_t *ctx, pp_state_t *state, const pp_job_rec_t *job, pp_error_t *err);

/* ---- play.c: the result ---- */

/* 0, or -1 with the error that says the play was interrupted (opts->interrupted). */
int pp_play_interrupted (const pp_play_t *play, pp_error_t *err);
pp_play_item_t *pp_play_result_add (pp_play_result_t *res, pp_play_kind_t kind, pp_play_action_t action,
                                    const char *name, const char *id);
/* Takes item `i` out of the result. */
void pp_play_result_drop (pp_play_result_t *res, size_t i);

#endif
