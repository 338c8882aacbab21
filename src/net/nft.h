/* podplay's own nftables table, `inet podplay`, and nothing outside it: masquerade of pod networks, hostPort
   DNAT, and (later) Service virtual addresses with endpoint sets, as kube-proxy's nftables mode does.  Through
   libnftables, loaded on first use (dlopen), so that commands that change no rule do not map it; without it every
   call fails with ENOPKG, naming Debian's package libnftables1.  Each call is one nftables transaction: it
   applies whole or not at all.  Other tables (Podman's, Docker's, the host firewall's) are never read or changed.

   What the rules need of the caller, as sysctls of the host's network namespace: net.ipv4.ip_forward (and
   net.ipv6.conf.all.forwarding) for traffic between pods and anything beyond the host, and
   net.ipv4.conf.<bridge>.route_localnet=1 on every bridge, without which the kernel drops a connection to
   127.0.0.1:<hostPort> once it is DNATed out of the loopback interface.  IPv6 has no such switch: ::1 does not
   reach a hostPort.

   The removals read the table, then change it: callers that may run at once (two plays) serialize them. */
#ifndef PP_NET_NFT_H
#define PP_NET_NFT_H

#include "core/error.h"
#include "net/ip.h"

#include <stdbool.h>
#include <stdint.h>

/* The rules of one pod network: its bridge `bridge` and subnet `subnet`: traffic from the subnet to elsewhere is
   masqueraded; with `internal`, traffic between the bridge and anything else is dropped instead.  Idempotent:
   the rules of a network that has them already are not added twice; a network turning internal (or back) is
   removed first.  A subnet that overlaps another network's is refused by nft.  EINVAL for a bridge name that is
   not 1 to 15 of [A-Za-z0-9_.-] or a subnet of no family. */
int pp_nft_network_add (const char *bridge, const pp_ipnet_t *subnet, bool internal, pp_error_t *err);
/* Removes the rules of that network (those it has: none is not an error); the table goes with the last network
   and the last port, so that a host without pods has no podplay table. */
int pp_nft_network_remove (const char *bridge, const pp_ipnet_t *subnet, pp_error_t *err);

/* A published port: `proto` IPPROTO_TCP or IPPROTO_UDP; `host_ip` family 0 for every address of the host
   (127.0.0.1 included), else that address only; traffic to it (from the host itself, from other hosts, from
   pods) goes to `pod_ip`:`pod_port`.  `host_ip`, when given, is of `pod_ip`'s family (0.0.0.0 and :: mean every
   address); a pod with both families publishes a port of each.  A port on one address and the same port on
   every address can both be published: the one address's wins there (the caller checks that ports are free). */
typedef struct
{
  int proto;
  pp_ip_t host_ip;
  uint16_t host_port;
  pp_ip_t pod_ip;
  uint16_t pod_port;
} pp_nft_port_t;

/* Publishes `ports` (the same port again is not an error).  EEXIST, naming the port and where it goes, when one
   is published already to another pod (unless that pod is at `take_from`: then it goes to this one, in the
   same transaction, as a replacement takes the hostPorts of the pod it replaces) or given twice with two
   targets: nothing is added then.  EINVAL for a
   protocol other than TCP and UDP (SCTP included), a port 0 or an address of no or the wrong family. */
int pp_nft_ports_add (const pp_nft_port_t *ports, size_t n, const pp_ip_t *take_from, pp_error_t *err);
/* Removes those ports; one not there, or published to another pod than the one given, is not an error and is
   left as it is. */
int pp_nft_ports_remove (const pp_nft_port_t *ports, size_t n, pp_error_t *err);

/* A Service port: traffic to `ip`:`port` (IPv4), protocol `proto` (IPPROTO_TCP or IPPROTO_UDP), and to its
   `host_ports` on any address of the host, goes to one of `eps` (chosen at random per connection, or by a hash of
   the client's address with `affinity`); with no endpoint it is refused. */
typedef struct
{
  pp_ip_t ip;
  uint16_t port;
} pp_nft_endpoint_t;

typedef struct
{
  pp_ip_t ip;
  int proto;
  uint16_t port;
  bool affinity;
  pp_nft_endpoint_t *eps;
  size_t n_eps;
  uint16_t host_ports[2]; /* published on the host too, on every address: a nodePort, a LoadBalancer's port (0: none) */
} pp_nft_service_t;

/* Sets the rules of every Service to `svcs`, replacing those there, in one transaction (none: the Services'
   rules go, and the table with them when nothing else is in it).  EINVAL for a port of another family or
   protocol. */
int pp_nft_services_set (const pp_nft_service_t *svcs, size_t n, pp_error_t *err);

/* Deletes the table, whatever it holds (system reset); none is not an error. */
int pp_nft_reset (pp_error_t *err);

#endif
