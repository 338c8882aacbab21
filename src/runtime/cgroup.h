/* Control groups for containers on cgroup v2, v1 and the hybrid of both: create with limits, enter, read, kill, remove.
 */
#ifndef PP_CGROUP_H
#define PP_CGROUP_H

#include "core/error.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef enum
{
  PP_CGROUP_V1,     /* one hierarchy per controller (or group of them), under /sys/fs/cgroup/<name> */
  PP_CGROUP_V2,     /* the unified hierarchy at /sys/fs/cgroup */
  PP_CGROUP_HYBRID, /* v1 controllers, and a controller-less v2 hierarchy at /sys/fs/cgroup/unified */
} pp_cgroup_mode_t;

/* A container's limits, as OCI's linux.resources says them; 0 leaves one unset, -1 sets it to unlimited. */
typedef struct
{
  int64_t memory;      /* bytes */
  int64_t memory_swap; /* memory plus swap, in bytes: equal to `memory` for no swap at all */
  int64_t cpu_quota;   /* microseconds of CPU time per period */
  uint64_t cpu_period; /* microseconds; 100000 when a quota is set without one */
  uint64_t cpu_shares; /* v1 shares (2 to 262144); a weight on v2 */
  int64_t pids;        /* processes and threads */
} pp_cgroup_limits_t;

/* One mounted hierarchy: where, under which name in /sys/fs/cgroup, and the options that mount it again. */
typedef struct
{
  const char *mount;   /* "/sys/fs/cgroup/memory", "/sys/fs/cgroup" on v2 */
  const char *name;    /* "memory", "cpu,cpuacct", "systemd", "unified"; "" on v2 */
  const char *options; /* cgroup mount data: "memory", "cpu,cpuacct", "none,name=systemd"; "" for cgroup2 */
  bool v2;
} pp_cgroup_hierarchy_t;

/* The host's mode, probed once (statfs of /sys/fs/cgroup and /sys/fs/cgroup/unified). */
pp_cgroup_mode_t pp_cgroup_mode (void);
/* Every hierarchy a container's cgroup is made in, probed once; the table lives as long as the process, so a
   forked child may read it. */
const pp_cgroup_hierarchy_t *pp_cgroup_hierarchies (size_t *n);
/* cgroup v1 cpu.shares as a v2 cpu.weight, as runc and crun convert it: 1 + ((shares - 2) * 9999) / 262142. */
uint64_t pp_cgroup_shares_to_weight (uint64_t shares);

/* Where this process makes cgroups, probed once: "" (the root of every hierarchy) outside a user namespace; in
   one, on cgroup v2, the user's delegated subtree that holds its own cgroup (see pp_cgroup_delegated_base), as
   "/user.slice/user-1000.slice/user@1000.service"; NULL where it has none (cgroup v1 or hybrid, no delegation). */
const char *pp_cgroup_base (void);
/* Of the controllers a limit needs ("cpu memory pids"), those cgroups under the base get, space-separated; all of
   them outside a user namespace, "" without a base. */
const char *pp_cgroup_base_controllers (void);
/* Whether cgroups under the base get `controller`. */
bool pp_cgroup_base_has (const char *controller);
/* The highest cgroup above `own` (a path as /proc/self/cgroup's "0::" line gives it) whose directory, cgroup.procs
   and cgroup.subtree_control this process may write, in the v2 hierarchy mounted at `root`: a delegated subtree
   (systemd's user@UID.service with Delegate=yes), where it may make cgroups, hand controllers down and move its
   processes into them.  `own` itself does not count: it holds processes, so it may hand down no controller.  NULL
   when there is none. */
char *pp_cgroup_delegated_base (const char *root, const char *own);
/* A pod's cgroup (`ctr_id` NULL) or its container's, below the base: "<base>/podplay/<pod>[/<ctr>]"; NULL without
   a base. */
char *pp_cgroup_pod_path (const char *pod_id, const char *ctr_id);

/* `path` is relative to the root of every hierarchy, as OCI's linux.cgroupsPath "/podplay/<pod>/<ctr>" is under
   runc's cgroupfs driver (a leading '/' is allowed, ".." is not).  Creates it in every hierarchy (on v2 the
   ancestors below the base delegate memory, cpu and pids) and writes the limits. */
int pp_cgroup_create (const char *path, const pp_cgroup_limits_t *lim, pp_error_t *err);
/* Moves `pid` into the cgroup in every hierarchy. */
int pp_cgroup_enter (const char *path, pid_t pid, pp_error_t *err);
/* The same in two steps, for a child after fork(): the parent opens cgroup.procs of every hierarchy (write-only,
   close-on-exec; *fds to free and close), the child writes a pid with raw syscalls only: 0 for itself, whatever
   PID namespace it is in. */
int pp_cgroup_open_procs (const char *path, int **fds, size_t *n, pp_error_t *err);
int pp_cgroup_enter_fds (const int *fds, size_t n, pid_t pid);

/* What a cgroup uses now, as `stats` shows it. */
typedef struct
{
  uint64_t cpu_ns;       /* CPU time of every process that ran in it */
  uint64_t memory;       /* in use, less the page cache the kernel reclaims first (inactive files), as docker does */
  uint64_t memory_limit; /* UINT64_MAX for none ("max"); v1's "none" is a number near 2^63 */
  uint64_t io_read, io_write; /* bytes read from and written to block devices */
  uint64_t pids;              /* processes and threads */
} pp_cgroup_usage_t;

/* Reads them: v2 cpu.stat, memory.current less memory.stat's inactive_file, memory.max, io.stat (rbytes, wbytes),
   pids.current; v1 cpuacct.usage, memory.usage_in_bytes less memory.stat's total_inactive_file,
   memory.limit_in_bytes, blkio.throttle.io_service_bytes (Read, Write), pids.current.  A counter whose controller
   the cgroup lacks (no io on v2, no blkio or pids hierarchy on v1) reads 0; a cgroup that is gone is an error. */
int pp_cgroup_usage (const char *path, pp_cgroup_usage_t *u, pp_error_t *err);
/* The memory limit alone (v2 memory.max, v1 memory.limit_in_bytes), UINT64_MAX for "max". */
int pp_cgroup_memory_limit (const char *path, uint64_t *bytes, pp_error_t *err);

/* Processes the memory limit killed (v2 memory.events, v1 memory.oom_control: oom_kill). */
int pp_cgroup_oom_kills (const char *path, uint64_t *n, pp_error_t *err);
/* CPU time used by every process that ran in the cgroup (v2 cpu.stat usage_usec, v1 cpuacct.usage). */
int pp_cgroup_cpu_usage_ns (const char *path, uint64_t *ns, pp_error_t *err);
/* The highest memory use seen (v2 memory.peak, from Linux 5.19; v1 memory.max_usage_in_bytes). */
int pp_cgroup_memory_peak (const char *path, uint64_t *bytes, pp_error_t *err);
/* The processes in the cgroup itself (not in cgroups below it); *pids to free. */
int pp_cgroup_pids (const char *path, pid_t **pids, size_t *n, pp_error_t *err);
/* Sends `sig` to every process in the cgroup, again to those forked meanwhile; SIGKILL uses cgroup.kill on v2. */
int pp_cgroup_kill (const char *path, int sig, pp_error_t *err);
/* Removes the cgroup and every cgroup below it in every hierarchy, waiting briefly for exiting processes to leave;
   a cgroup that does not exist is not an error. */
int pp_cgroup_remove (const char *path, pp_error_t *err);

/* In a container's child, before pivot_root: mounts the cgroup filesystem on `target` (a descriptor of the mount
   point, resolved inside the container's root) with the mount `flags` (MS_RDONLY, MS_NOSUID...).  In its own cgroup
   namespace (`own_ns`) the hierarchies are mounted afresh and show the container's cgroup as their root; otherwise the
   container's cgroup `path` (or the whole hierarchy when NULL) is bound.  v2: one cgroup2 mount; v1 and hybrid: a tmpfs
   holding each v1 hierarchy, as runc lays it out.  Only syscalls and stack buffers: on failure -1 with errno, and
   `failed` (of `size` bytes) says which step, on which hierarchy. */
int pp_cgroup_mount (int target, unsigned long flags, const char *path, bool own_ns, char *failed, size_t size);

#endif
