/* A pod on the machine: its directories, the namespaces its containers share (held open by bind-mounted
   namespace files, no process), its /etc files, its containers' root filesystems, and its monitor. */
#ifndef PP_POD_H
#define PP_POD_H

#include "core/context.h"
#include "core/error.h"
#include "state/state.h"

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

/* Where things are:
     <runroot>/pods/<pod>/ns/{net,ipc,uts}   the pod's namespaces, bind-mounted (and user, for hostUsers: false)
     <runroot>/pods/<pod>/{hosts,hostname,resolv.conf}
     <runroot>/pods/<pod>/subpaths/<ctr>/<n>  subPaths bound for the containers' config.json (runtime/subpath.h)
     <root>/pods/<pod>/pod.json              what the monitor runs: containers in order, restart policy, runtime
     <root>/pods/<pod>/monitor.log           the monitor's own messages
     <root>/containers/<ctr>/                the bundle (config.json), upper/ and work/ of the overlay, ctr.log
     <runroot>/containers/<ctr>/rootfs       the overlay mount */
char *pp_pod_rundir (pp_context_t *ctx, const char *pod_id);
char *pp_pod_datadir (pp_context_t *ctx, const char *pod_id);
char *pp_ctr_datadir (pp_context_t *ctx, const char *ctr_id);
char *pp_ctr_rootfs (pp_context_t *ctx, const char *ctr_id);
char *pp_ctr_logfile (pp_context_t *ctx, const char *ctr_id);

/* The namespace types a pod's containers share, as OCI names them. */
extern const char *const pp_pod_shared_ns[];

/* What a pod's /etc files say. */
typedef struct
{
  const char *hostname;
  const char *hosts_extra; /* lines added to /etc/hosts (hostAliases), or NULL */
  const char *resolv_conf; /* the whole resolv.conf (dnsPolicy, dnsConfig), or NULL for the host's */
  const char *fqdn;        /* <hostname>.<subdomain>.<namespace>.svc.cluster.local with a subdomain, or NULL */
  uint32_t userns_base;    /* hostUsers: false: the first of the 65536 host ids the pod's user namespace maps; 0 for
                              the host's user namespace */
  json_t *network;         /* its place in a pod network (the plan's "network"), or NULL for loopback only */
} pp_pod_etc_t;

/* The host's resolv.conf without loopback name servers (a pod's loopback is its own): a pod's by default. */
char *pp_pod_host_resolv_conf (void);

/* Creates what a pod needs before its containers: directories, the shared network (loopback up), IPC and UTS
   (hostname set) namespaces, owned by the pod's own user namespace (bound on ns/user) when it has one, and
   /etc/hosts, /etc/hostname, /etc/resolv.conf.  Done again after a reboot. */
int pp_pod_setup (pp_context_t *ctx, const char *pod_id, const pp_pod_etc_t *etc, pp_error_t *err);
/* Whether the pod's namespaces are still held (a reboot drops them with the runroot). */
bool pp_pod_is_set_up (pp_context_t *ctx, const char *pod_id);

/* Mounts again the memory-backed emptyDirs pod.json lists ("tmpfs": [{"path", "options"}]) that are not mounted
   (after a reboot). */
int pp_pod_remount_tmpfs (json_t *plan, pp_error_t *err);
/* Mounts a memory-backed emptyDir: a tmpfs with `opts` ("mode=1777,size=...") on `path` (made if missing). */
int pp_pod_mount_tmpfs (const char *path, const char *opts, pp_error_t *err);

/* The pod's user namespace, open; -2 when the pod has none (it runs in the host's), -1 with `err` on failure. */
int pp_pod_userns_open (pp_context_t *ctx, const char *pod_id, pp_error_t *err);

/* Gives the pod's own volumes (emptyDir, configMap, secret, under <root>/pods/<pod>/volumes) to its user
   namespace: what host root owns there, the pod's root owns (ids shifted by `userns_base`; again is harmless). */
int pp_pod_userns_volumes (pp_context_t *ctx, const char *pod_id, uint32_t userns_base, pp_error_t *err);
/* The first host id of the pod's user namespace as pod.json records it ("userNamespace": {"hostID", "size"}), 0
   when it runs in the host's. */
uint32_t pp_pod_plan_userns_base (json_t *plan);

/* Whether an OCI runtime (runc), which enters the root filesystem as the pod's root, can reach it: every directory
   above the runroot must be searchable by others (podplay makes its own below so: 0711, searchable, not listable). */
int pp_pod_userns_reachable (pp_context_t *ctx, pp_error_t *err);

/* Removes everything of a pod from the machine: processes left over, mounts, namespace files, directories.
   Goes on past errors (each is logged) and returns the first. */
int pp_pod_teardown (pp_context_t *ctx, const pp_pod_rec_t *pod, const pp_container_rec_t *cs, size_t n,
                     pp_error_t *err);
/* Its part for the containers: their processes killed (and whatever else is in their cgroups under `pod_cgroup`,
   pp_pod_cgroup's, NULL for none), their root filesystems and folders removed; the first error goes to *first
   unless one is there. */
void pp_pod_ctrs_teardown (pp_context_t *ctx, const char *pod_cgroup, const pp_container_rec_t *cs, size_t n,
                           pp_error_t *first);

/* Starts the pod's monitor (the podplay binary re-executed, detached in its own session) and waits until it has
   started the pod's containers, or reports why it could not. */
int pp_pod_start_monitor (pp_context_t *ctx, const char *pod_id, pp_error_t *err);
/* The same in three steps, so that the monitor starts while its pod is made, and several pods start at once: the
   spawn starts the monitor, which opens the state and waits; go tells it that the pod's plan is written and it
   starts the containers; wait waits until they run (or reports why not), and is called for every spawned monitor,
   told to go or not (one not told leaves at once, having started nothing). */
typedef struct
{
  int fd;    /* podplay's end of the monitor's socket */
  pid_t pid; /* the process spawned, which leaves the monitor to run on its own; -1 when none */
  bool go;
} pp_monitor_start_t;
/* `host_network`: the pod is on the host's network, where its monitor is started (pp_infra_host_side). */
int pp_pod_spawn_monitor (pp_context_t *ctx, const char *pod_id, bool host_network, pp_monitor_start_t *mon,
                          pp_error_t *err);
int pp_pod_monitor_go (pp_monitor_start_t *mon, pp_error_t *err);
int pp_pod_monitor_wait (pp_monitor_start_t *mon, pp_error_t *err);

/* Starts the resolver of pod network `network` (resolver.h), on its `gateway`, unless it runs. */
int pp_pod_start_resolver (pp_context_t *ctx, const char *network, const char *gateway, pp_error_t *err);
/* Waits for the first processes of the resolvers started (which leave at once), saying in a warning which failed. */
void pp_pod_reap_helpers (pp_context_t *ctx);
int pp_pod_monitor_ready (int fd, pp_error_t *err);
/* What a helper (a monitor, a resolver) does first: podplay started it as its child, and waits while it forks and
   the child exits, so that the helper goes on as no process's child (init or a subreaper adopts it). */
void pp_helper_detach (void);
/* Forks a process detached from this one (a double fork): its own session, stdin and stdout on /dev/null,
   stderr appended to `logpath`, in /.  Returns 0 in it, with `ready_fd` the end it writes an error to (or
   closes); 1 in the caller, with `ready_fd` the end pp_pod_monitor_ready reads; -1 on error.  In a caller that
   may have threads, the child makes only async-signal-safe calls until it execs. */
int pp_fork_detached (const char *logpath, int *ready_fd, pp_error_t *err);
/* Whether the monitor recorded for the pod is alive (and is that pod's monitor, not a reused pid). */
bool pp_pod_monitor_alive (const pp_pod_rec_t *pod);
/* The pod's terminationGracePeriodSeconds, from its pod.json (30 when it cannot be read). */
int pp_pod_grace (pp_context_t *ctx, const char *pod_id);
/* Tells a pod's monitor to stop, without waiting (pp_pod_stop then waits): several pods stop together. */
void pp_pod_stop_begin (const pp_pod_rec_t *pod, int timeout);
/* Stops a pod: its monitor sends SIGTERM to the containers, SIGKILL after `timeout` seconds, and exits. */
int pp_pod_stop (pp_context_t *ctx, pp_state_t *state, const pp_pod_rec_t *pod, int timeout, pp_error_t *err);
/* When the state says a pod runs but its monitor is gone (killed), records the truth: containers whose processes
   are gone exited, the pod is in error.  `pod` is updated. */
int pp_pod_refresh (pp_state_t *state, pp_pod_rec_t *pod, pp_error_t *err);

/* When a process started, in Unix seconds (0 when it is gone). */
int64_t pp_proc_start_time (pid_t pid);
/* Whether `path` is a mount point: its device differs from its parent's, or it is an nsfs file. */
bool pp_path_is_mounted (const char *path);
/* Whether something is mounted on `path` itself, by /proc/self/mountinfo (a bind mount on the same filesystem
   shows no other device). */
bool pp_path_is_mount_point (const char *path);

/* Whether the container process recorded in `c` is alive: the pid exists and started when the record says. */
bool pp_ctr_alive (const pp_container_rec_t *c);

/* The monitor's side: reads pod.json. */
json_t *pp_pod_read_plan (pp_context_t *ctx, const char *pod_id, pp_error_t *err);
/* The pod's cgroup as its plan recorded it ("cgroup"; plans of before it was recorded: the one this process would
   make), NULL for none.  Every process uses the recorded one, whatever cgroup it runs in itself. */
char *pp_pod_cgroup (const char *pod_id, json_t *plan);
int pp_pod_write_plan (pp_context_t *ctx, const char *pod_id, json_t *plan, pp_error_t *err);

#endif
