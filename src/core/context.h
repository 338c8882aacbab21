/* The context every library call receives: roots, logging and options, so no module keeps global state. */
#ifndef PP_CONTEXT_H
#define PP_CONTEXT_H

#include "core/error.h"
#include "core/log.h"

#include <stdbool.h>

typedef struct pp_context_s
{
  char *root;    /* persistent storage: images, volumes, state database */
  char *runroot; /* runtime state: mounts, sockets, pid files */
  pp_log_level_t log_level;
  char *runtime; /* what runs containers: NULL (the built-in executor), "runc" or "crun" */
  FILE *log_stream; /* where pp_log writes; stderr unless a test says otherwise */
  char *pod_subnet; /* the default pod network's subnet (pod_subnet in the configuration file), or NULL */
  char *pod_subnet6; /* its IPv6 subnet (pod_subnet6), "none" for IPv4 only, or NULL: the default where the host
                       has IPv6 */
  char *service_subnet; /* where Services get their addresses (service_subnet), or NULL */
  char *dns_servers;    /* where pods' names outside the cluster are asked (dns_servers: "ip, ip"), or NULL for
                           the host's resolv.conf */
  char *overlay; /* what mounts a container's root (overlay): "kernel", "fuse-overlayfs", or NULL for the kernel's
                    where it can (runtime/rootfs.h) */
  bool rootless;         /* run by an ordinary user: XDG roots, a user namespace for what owns files */
  bool in_userns;        /* rootless, and root of its user namespace now (pp_rootless_enter) */
  bool runroot_fallback; /* the run root is /tmp/podplay-UID, for want of XDG_RUNTIME_DIR */
  bool in_infra;         /* rootless, and in the user's pod network namespace now (pp_infra_enter) */
  int infra_lock;        /* that namespace's lock, held shared while this command is in it, or -1 */
  int unprivileged_port_start; /* the host's net.ipv4.ip_unprivileged_port_start, read by pp_infra_enter */
  char host_ip[46];             /* the host's address for pods (pp_network_host_ip), read by pp_infra_enter */
} pp_context_t;

/* Fills roots with the defaults: /var/lib/podplay and /run/podplay as root, XDG directories otherwise. */
void pp_context_init (pp_context_t *ctx);
void pp_context_set_root (pp_context_t *ctx, const char *root);
void pp_context_set_runroot (pp_context_t *ctx, const char *runroot);
void pp_context_set_runtime (pp_context_t *ctx, const char *runtime);
/* Whether `name` is a runtime podplay can hand bundles to: "builtin", "runc" or "crun". */
bool pp_runtime_known (const char *name);
/* Reads the configuration file: $PODPLAY_CONFIG, else /etc/podplay/podplay.conf as root and
   $XDG_CONFIG_HOME/podplay/podplay.conf otherwise; lines `key = value` (runtime, root, runroot, pod_subnet,
   pod_subnet6, service_subnet, dns_servers, overlay), `#` comments.
   A missing default file is no error; a bad line is, naming the file and line. */
int pp_context_load_config (pp_context_t *ctx, pp_error_t *err);
/* The configuration file's path, as pp_context_load_config reads it. */
char *pp_context_config_path (void);
void pp_context_release (pp_context_t *ctx);

#endif
