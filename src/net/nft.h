/* podplay's own nftables table, `inet podplay`, and nothing outside it: masquerade of pod networks, hostPort
   DNAT, and (later) Service virtual addresses with endpoint sets, as kube-proxy's nftables mode does.  Through
   libnftables, loaded on first use (dlopen), so that commands that change no rule do not map it.  Each call is
   one nftables transaction: it applies whole or not at all.  Other tables (Podman's, Docker's, the host
   firewall's) are never read or changed. */
#ifndef PP_NET_NFT_H
#define PP_NET_NFT_H

#include "core/error.h"
#include "net/ip.h"

#include <stdbool.h>
#include <stdint.h>

/* The rules of one pod network: its bridge `bridge` and subnet `subnet`: traffic from the subnet to elsewhere is
   masqueraded; with `internal`, traffic between the bridge and anything else is dropped instead.  Idempotent:
   the rules of a network that has them already are not added twice. */
int pp_nft_network_add (const char *bridge, const pp_ipnet_t *subnet, bool internal, pp_error_t *err);
/* Removes the rules of that network; the table goes with the last network and the last port. */
int pp_nft_network_remove (const char *bridge, const pp_ipnet_t *subnet, pp_error_t *err);

/* A published port: `proto` IPPROTO_TCP or IPPROTO_UDP; `host_ip` family 0 for every address of the host
   (127.0.0.1 included), else that address only; traffic to it (from the host itself, from other hosts, from
   pods) goes to `pod_ip`:`pod_port`. */
typedef struct
{
  int proto;
  pp_ip_t host_ip;
  uint16_t host_port;
  pp_ip_t pod_ip;
  uint16_t pod_port;
} pp_nft_port_t;

int pp_nft_ports_add (const pp_nft_port_t *ports, size_t n, pp_error_t *err);
/* Removes those ports; one not there is not an error. */
int pp_nft_ports_remove (const pp_nft_port_t *ports, size_t n, pp_error_t *err);

/* Deletes the table, whatever it holds (system reset). */
int pp_nft_reset (pp_error_t *err);

#endif
