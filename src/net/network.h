/* Pod networks as root: a bridge per network with the gateway's address, podplay's nftables rules for it, and a
   veth pair per pod with the pod's address, recorded in the state database.  A network's bridge and rules are
   made with its first pod and stay until `network rm`; a pod's veth and published ports go with it, under one
   host-wide lock, so `kube down` leaves no link or rule of its pods behind.  The default network, `podplay`, is
   recorded on first use, after checking that its subnet overlaps no route of the host and no other network. */
#ifndef PP_NET_NETWORK_H
#define PP_NET_NETWORK_H

#include "core/context.h"
#include "core/error.h"
#include "net/ip.h"
#include "state/state.h"

#include <jansson.h>
#include <stdbool.h>

#define PP_NETWORK_DEFAULT "podplay"
#define PP_NETWORK_DEFAULT_SUBNET "10.244.0.0/16"
/* Its IPv6 subnet where the host has IPv6 (as kind's pod subnet is). */
#define PP_NETWORK_DEFAULT_SUBNET6 "fd00:10:244::/64"

/* The network `name` (NULL: the default one, recorded now if it is not yet). */
int pp_network_get (pp_context_t *ctx, pp_state_t *state, const char *name, pp_network_rec_t *net, pp_error_t *err);

/* What a network is made with, as `podman network create` takes it. */
typedef struct
{
  const char *subnet, *gateway;   /* IPv4; NULL: a free /24 of 10.245.0.0/16, and its first address */
  const char *subnet6, *gateway6; /* IPv6 (dual stack); NULL: none, unless `ipv6` */
  bool ipv6;                      /* an IPv6 subnet too: without subnet6, a free /64 of fd00:10:245::/48 */
  bool internal;                  /* no outside access */
} pp_network_opts_t;

/* Records a network.  A pod's offset in the IPv4 subnet gives its IPv6 address too, so the IPv6 subnet has at
   least as many addresses, and its gateway is at the IPv4 gateway's offset (the default) or beyond every pod's.
   Refuses a name taken, a subnet that overlaps another network or a route of the host, a gateway outside the
   subnet.  Nothing is made on the host until a pod joins it. */
int pp_network_create (pp_context_t *ctx, pp_state_t *state, const char *name, const pp_network_opts_t *opts,
                       pp_network_rec_t *net, pp_error_t *err);

/* Whether the host has IPv6 (not disabled for all interfaces, nor for new ones), which a network's IPv6 needs. */
bool pp_network_host_has_ipv6 (void);

/* Removes a network no pod uses (naming those that do), its bridge and rules with it. */
int pp_network_remove (pp_context_t *ctx, pp_state_t *state, const char *name, pp_error_t *err);

/* Takes an address in `net` for the pod (its own if it has one) and describes the pod's place in the network as
   the pod's plan records it: {"name", "bridge", "subnet", "gateway", "address", "internal"}, and "subnet6",
   "gateway6", "address6" in a network with IPv6. */
json_t *pp_network_pod_take (pp_state_t *state, const char *pod_id, const pp_network_rec_t *net, pp_error_t *err);

/* The pod's address ("10.244.0.5") from what pp_network_pod_take described, or NULL; pp_network_pod_ip6 its
   IPv6 one ("fd00:10:244::5"), or NULL in a network without.  `buf` is PP_IP_STRLEN bytes. */
const char *pp_network_pod_ip (json_t *pod_net, char *buf);
const char *pp_network_pod_ip6 (json_t *pod_net, char *buf);

/* Connects the pod's network namespace (the file `netns_path`) to its network: the bridge and rules if they are
   not there, a veth pair whose pod end is eth0 with the pod's addresses and default routes.  Idempotent: a pod
   connected already is left as it is. */
int pp_network_attach (pp_context_t *ctx, const char *pod_id, json_t *pod_net, const char *netns_path, pp_error_t *err);

/* Publishes the pod's ports again (a failed replacement gives back the ports it took over): from the pod at its
   "replaces" address only, as connecting does. */
int pp_network_publish (pp_context_t *ctx, const char *pod_id, json_t *pod_net, pp_error_t *err);

/* Withdraws the pod's published ports (unless a replacement took them over) and removes its veth. */
int pp_network_detach (pp_context_t *ctx, const char *pod_id, json_t *pod_net, pp_error_t *err);
/* Pods detached from here on (by this process, one thread) keep their links until pp_network_defer_end deletes them all at
   once: a down of many pods waits for the kernel once. */
void pp_network_defer_begin (void);
int pp_network_defer_end (pp_error_t *err);

/* The host's address as a pod sees it (status.hostIP): its first IPv4 address outside loopback and podplay's
   networks, else 127.0.0.1; in an ordinary user's pod network, what it was on the host's (ctx->host_ip, read as
   pp_infra_enter left it). */
void pp_network_host_ip (const pp_context_t *ctx, char buf[PP_IP_STRLEN]);

/* Whether `subnet` overlaps a route of the host (default routes aside), an address of it, or a network other
   than `self` (NULL: any); EEXIST saying which. */
int pp_network_check_overlap (pp_state_t *state, const pp_ipnet_t *subnet, const char *self, pp_error_t *err);

/* Takes the host-wide lock of podplay's links and nftables table (/run/podplay-network.lock): its fd, which
   closing releases. */
int pp_network_lock (pp_context_t *ctx, pp_error_t *err);
/* The same lock if it is free now, else -1. */
int pp_network_lock_try (pp_context_t *ctx);
/* Where sysfs shows the links of the namespace the bridges are in: /sys/class/net, or the sysfs of an ordinary
   user's pod network (net/infra.h). */
char *pp_network_sys_net (pp_context_t *ctx);

/* The host end of the pod's veth: "pp" and the first 12 digits of its id. */
void pp_network_host_ifname (const char *pod_id, char name[16]);

#endif
