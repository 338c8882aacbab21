/* Links, addresses and routes through rtnetlink (libmnl), in the host's network namespace or a pod's: the bridge of
   a pod network, a pod's veth pair, and the host's routes and addresses that a new subnet must not overlap.
   podplay never runs `ip`.  Every function returns -1 with `err` set on failure (the kernel's errno and what was
   asked, "add address 10.244.0.5/16 to eth0: File exists"), and allocates nothing the caller must free unless it
   says so. */
#ifndef PP_NET_NETLINK_H
#define PP_NET_NETLINK_H

#include "core/error.h"
#include "net/ip.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct pp_nl pp_nl_t;

/* A route socket in the network namespace `netns_fd` (-1: the caller's own).  It is opened from within that
   namespace (setns on the calling thread, then back), so it works on it whatever the caller's namespace is. */
pp_nl_t *pp_nl_open (int netns_fd, pp_error_t *err);
void pp_nl_close (pp_nl_t *nl);

/* The interface index of `name`, 0 when there is none. */
int pp_nl_link_index (pp_nl_t *nl, const char *name, pp_error_t *err);

/* A bridge named `name`; one that exists already is left as it is (0).  A link of that name of another kind is an
   error (EEXIST) that says what it is. */
int pp_nl_bridge_add (pp_nl_t *nl, const char *name, pp_error_t *err);

/* A veth pair: `name` here, its peer `peer` (named so) in the network namespace `peer_netns_fd` (-1: here too),
   with the MAC address `peer_mac` (6 bytes; NULL: the kernel's random one).  A pair whose name is taken is an
   error (EEXIST). */
int pp_nl_veth_add (pp_nl_t *nl, const char *name, const char *peer, int peer_netns_fd, const uint8_t *peer_mac,
                    pp_error_t *err);

/* Enslaves `name` to the bridge `master` (when not NULL) and brings it up. */
int pp_nl_link_up (pp_nl_t *nl, const char *name, const char *master, pp_error_t *err);

/* Deletes the link `name`; one that is not there is not an error. */
int pp_nl_link_del (pp_nl_t *nl, const char *name, pp_error_t *err);
/* Moves the link `name` into the link group `group` (one that is not there is not an error), and deletes every
   link of a group at once: the kernel unregisters them together, waiting for its readers once rather than once
   per link (10 veths: 40 ms instead of 270). */
int pp_nl_link_set_group (pp_nl_t *nl, const char *name, uint32_t group, pp_error_t *err);
int pp_nl_group_del (pp_nl_t *nl, uint32_t group, pp_error_t *err);

/* Adds the address `addr` (with its prefix) to `name`; the same address there already is not an error.  An IPv6
   address is added without duplicate address detection (nodad), usable at once. */
int pp_nl_addr_add (pp_nl_t *nl, const char *name, const pp_ipnet_t *addr, pp_error_t *err);

/* The default route of `gw`'s family through `gw` on `name`; the kernel refuses it unless `name` is up and `gw` on
   one of its subnets.  A default route of that family there already is not an error, whatever its gateway (the
   kernel answers EEXIST to either). */
int pp_nl_route_default (pp_nl_t *nl, const char *name, const pp_ip_t *gw, pp_error_t *err);

/* A route to `dst` (NULL: the default route) on `name`, through `gw` (NULL: on the link itself); a route there
   already to the same destination is not an error (EEXIST), whatever its device. */
int pp_nl_route_add (pp_nl_t *nl, const char *name, const pp_ipnet_t *dst, const pp_ip_t *gw, pp_error_t *err);

/* The destinations of the routes of every table of `family` (0: both), with the name of the device of each in the
   socket's namespace ("" for none), for overlap checks: `*routes` and `*devs` (strings of IFNAMSIZ) are the
   caller's to free.  Local, broadcast, multicast and anycast routes are left out, and IPv6's per-link fe80::/64 and
   ff00::/8; default routes are in, with prefix 0 (the caller decides). */
int pp_nl_routes (pp_nl_t *nl, int family, pp_ipnet_t **routes, char (**devs)[16], size_t *n, pp_error_t *err);

/* The addresses of every interface of `family` (0: both), each with its prefix; `*addrs` is the caller's. */
int pp_nl_addrs (pp_nl_t *nl, int family, pp_ipnet_t **addrs, size_t *n, pp_error_t *err);

#endif
