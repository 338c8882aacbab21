/* The pods' resolver: one process per pod network (podplay-monitor's `dns` command), listening on the network's
   gateway, port 53, UDP and TCP, for the pods of that network alone.  It answers the cluster's names (names.h)
   from the state, read again only when another process has written to it, so a pod that comes later, a Service
   changed or an endpoint turned unready is answered at the next query, with no restart of anything.  Other names
   go to the host's resolvers (the name servers of the host's /etc/resolv.conf, or dns_servers of podplay.conf),
   from the host's namespace, where a resolver on the host's loopback answers too.  It is started with the first
   pod of its network (pp_resolver_start) and ends on its own within a second of the last pod's going. */
#ifndef PP_NET_RESOLVER_H
#define PP_NET_RESOLVER_H

#include "core/context.h"
#include "core/error.h"

/* Serves network `network` until it has no pod.  Says on `ready_fd` why it could not start, or nothing, and closes
   it, once it listens (or when another serves already).  Returns the exit status. */
int pp_resolver_main (pp_context_t *ctx, const char *network, int ready_fd);

/* Whether the resolver of `network` runs: its pid, or 0. */
pid_t pp_resolver_pid (pp_context_t *ctx, const char *network);

/* Where the resolver of `network` keeps its pid (locked while it runs) and its log: paths to free. */
char *pp_resolver_path (pp_context_t *ctx, const char *network, const char *suffix);

/* Stops the resolver of `network`, if one runs, and waits for its end (a network's removal). */
void pp_resolver_stop (pp_context_t *ctx, const char *network);

#endif
