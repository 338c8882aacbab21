/* Names as a cluster's DNS gives them to pods (the Kubernetes DNS specification, as CoreDNS answers it), from the
   Services and pods the state records:
   - <svc>.<ns>.svc.cluster.local: a Service's virtual address; a headless Service's ready pods (or all of them,
     with publishNotReadyAddresses); an ExternalName Service's name, as a CNAME;
   - _<port>._<proto>.<svc>.<ns>.svc.cluster.local: SRV of a Service's named port;
   - <hostname>.<svc>.<ns>.svc.cluster.local: a pod whose spec.hostname and spec.subdomain name it, selected by
     that headless Service (and <a-b-c-d>.<svc>... for the others it selects);
   - <a-b-c-d>.<ns>.pod.cluster.local: a pod of that namespace at that address (an IPv6 one with dashes for its
     colons, "fd00-10-244--5");
   - a pod's name alone, for the pods of the resolver's own network (as Podman's aardvark-dns gives them);
   - d.c.b.a.in-addr.arpa and the ip6.arpa names: a Service's name for its address; a pod's name (under its
     headless Service when its hostname and subdomain give it one) for the pod's.
   A pod in a network with IPv6 has both addresses: each name of a pod answers A and AAAA.  Services are IPv4
   only (SingleStack, as a cluster's default): AAAA of a Service's name has no answer (and no error).
   Anything else under cluster.local does not exist; any other name is for the host's resolvers.  Pure code over
   a snapshot: the resolver reads the state again when it changed. */
#ifndef PP_NET_NAMES_H
#define PP_NET_NAMES_H

#include "core/error.h"
#include "net/dns.h"
#include "net/ip.h"
#include "state/state.h"

#define PP_CLUSTER_DOMAIN "cluster.local"

typedef struct pp_names pp_names_t;

/* A snapshot made of these records (taken: freed with it), for the resolver of network `network`. */
pp_names_t *pp_names_new (const char *network, pp_service_rec_t *svcs, size_t n_svcs, pp_endpoint_rec_t *eps,
                          size_t n_eps);
/* The same, read from the state. */
pp_names_t *pp_names_load (pp_state_t *state, const char *network, pp_error_t *err);
void pp_names_free (pp_names_t *names);

/* An answer: its rcode (PP_NAMES_FORWARD for a name that is not the cluster's) and records, whose strings live in
   the answer or in the snapshot. */
#define PP_NAMES_FORWARD (-1)

typedef struct
{
  int rcode;
  bool authoritative;
  pp_dns_rr_t *rrs;
  size_t n, cap;
  char **strs;
  size_t n_strs;
} pp_names_answer_t;

/* Answers `name` (as pp_dns_query_t has it: lower case, no final dot, `plain`) for type `qtype`. */
void pp_names_lookup (const pp_names_t *names, const char *name, bool plain, uint16_t qtype, pp_names_answer_t *ans);
void pp_names_answer_release (pp_names_answer_t *ans);

#endif
