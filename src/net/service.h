/* Services on one machine: a virtual address per Service from the service range (service_subnet in
   podplay.conf, 10.96.0.0/16 by default), recorded in the state database, and the data path in podplay's
   nftables table (pp_nft_services_set), computed whole from the state: the Services, and the pods they select
   by label with their addresses, named ports and readiness.  Whoever changes one of those (a play, a down, a
   pod's removal, a monitor that sees a container turn ready or not) calls pp_service_sync, under the host-wide
   network lock, so that the rules follow within the moment of the change, with no daemon. */
#ifndef PP_NET_SERVICE_H
#define PP_NET_SERVICE_H

#include "core/context.h"
#include "core/error.h"
#include "net/ip.h"
#include "state/state.h"

#include <jansson.h>
#include <stdbool.h>

#define PP_SERVICE_DEFAULT_SUBNET "10.96.0.0/16"

/* The service range: service_subnet of podplay.conf, or the default. */
int pp_service_range (pp_context_t *ctx, pp_ipnet_t *range, pp_error_t *err);

/* The address Service `namespace_`/`name` gets: `wanted` (its spec.clusterIP; NULL or "" for any) when it is in
   the range and no other Service has it; else the one it has already; else the lowest free one of the range,
   which is checked first against the host's routes and the pod networks.  The addresses of `taken` (NULL-ended,
   or NULL), not recorded yet, are taken too.  The errors say why, without position (the caller adds it). */
int pp_service_pick_ip (pp_context_t *ctx, pp_state_t *state, const char *namespace_, const char *name,
                        const char *wanted, const char *const *taken, char out[PP_IP_STRLEN], pp_error_t *err);

/* Sets the Services' rules to what the state says.  Without `force`, nothing is done when no Service is recorded
   (the common case of a monitor whose pod no Service selects costs one query). */
int pp_service_sync (pp_context_t *ctx, pp_state_t *state, bool force, pp_error_t *err);

/* Whether every label of `selector` is the pod's `labels` (an empty selector selects nothing: a Service without
   one has its endpoints made by hand on a cluster, which nothing does here). */
bool pp_service_selects (json_t *selector, json_t *labels);

/* Every Service as `service ls` shows it: [{"name", "namespace", "type", "clusterIP" (absent when headless),
   "selector", "sessionAffinityClientIP", "ports": [{"name", "protocol", "port", "targetPort", "endpoints":
   ["10.244.0.2:8080", ...]}], "playFile"}], the endpoints those the rules send to now. */
json_t *pp_service_describe (pp_state_t *state, pp_error_t *err);

#endif
