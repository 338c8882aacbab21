/* OCI runtime bundles: what a container is, as a config.json any OCI runtime (runc, crun, podplay's own) runs. */
#ifndef PP_BUNDLE_H
#define PP_BUNDLE_H

#include "core/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct
{
  const char *type; /* "pid", "network", "ipc", "uts", "mount", "cgroup", "user" */
  const char *path; /* a namespace to join (the pod's), or NULL for a new one */
} pp_bundle_ns_t;

/* Which seccomp filter a container runs under. */
typedef enum
{
  PP_SECCOMP_DEFAULT = 0, /* Podman's default profile for the container's capabilities (none when privileged) */
  PP_SECCOMP_UNCONFINED,  /* no filter */
  PP_SECCOMP_LOCALHOST,   /* the profile file `seccomp_profile` (OCI or Docker format), even when privileged */
} pp_seccomp_choice_t;

typedef struct
{
  const char *destination, *source;
  bool readonly;
  const char *propagation; /* "rprivate" (when NULL), "rslave" or "rshared" */
  bool noexec;
} pp_bundle_mount_t; /* a bind mount */

typedef struct
{
  const char *name, *value; /* "net.ipv4.ip_unprivileged_port_start", "1024" */
} pp_bundle_sysctl_t;

typedef struct
{
  const char *type;   /* "RLIMIT_NOFILE" */
  int64_t soft, hard; /* -1 for unlimited */
} pp_bundle_rlimit_t;

typedef struct
{
  const char *const *args; /* NULL-terminated */
  const char *const *env;  /* "NAME=value", NULL-terminated */
  const char *cwd;
  uint32_t uid, gid;
  uint32_t *groups;
  size_t n_groups;
  const char *hostname;
  bool terminal;
  bool readonly_rootfs;
  bool privileged;         /* every capability, nothing masked */
  bool proc_unmasked;      /* procMount: Unmasked: no masked or read-only paths */
  bool no_new_privileges;
  bool sys_bind; /* /sys bound read-only from the host: root of a user namespace may mount a sysfs only in a
                    network namespace of its own (an ordinary user's hostNetwork pod, as Podman binds it) */
  const char *const *cap_add, *const *cap_drop; /* NULL-terminated, "NET_ADMIN" or "CAP_NET_ADMIN" */
  pp_bundle_ns_t *namespaces;
  size_t n_namespaces;
  uint32_t userns_base; /* with a "user" namespace: ids 0..65535 in it are host ids userns_base.. (0 for none) */
  int64_t memory_limit;          /* bytes, 0 for none; swap is not allowed beyond it */
  int64_t cpu_quota, cpu_period; /* microseconds, 0 for none */
  uint64_t cpu_shares;
  int64_t pids_limit;
  const char *cgroups_path; /* "/podplay/<pod>/<ctr>": under the root of each cgroup hierarchy, NULL for none */
  const char *root_path; /* the root filesystem; "rootfs" (in the bundle) when NULL */
  const pp_bundle_mount_t *mounts;
  size_t n_mounts;
  pp_seccomp_choice_t seccomp;
  const char *seccomp_profile; /* a JSON file, for PP_SECCOMP_LOCALHOST, relative to seccomp_profile_dir */
  const char *seccomp_profile_dir; /* the folder it is read beneath (the manifest's), never left */
  const char *seccomp_cache; /* the directory of compiled filters, as an annotation for the executor, or NULL */
  const pp_bundle_sysctl_t *sysctls; /* linux.sysctl, set in the container's namespaces */
  size_t n_sysctls;
  const pp_bundle_rlimit_t *rlimits; /* process.rlimits; the caller's otherwise */
  size_t n_rlimits;
} pp_bundle_spec_t;

/* Podman's default capabilities, without the CAP_ prefix, NULL-terminated. */
extern const char *const pp_default_capabilities[];

/* The config.json of a spec, with "root": {"path": "rootfs"}. */
json_t *pp_bundle_config (const pp_bundle_spec_t *spec, pp_error_t *err);
/* Writes `dir`/config.json (the root filesystem goes at `dir`/rootfs). */
int pp_bundle_write (const char *dir, const pp_bundle_spec_t *spec, pp_error_t *err);

/* The process's argv from the image's Entrypoint and Cmd and Kubernetes' command and args: command replaces the
   Entrypoint (and drops the Cmd), args replace the Cmd.  NULL-terminated, or NULL (err set) when empty. */
char **pp_bundle_args (json_t *image_config, const char *const *command, const char *const *args, pp_error_t *err);

#endif
