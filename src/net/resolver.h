/* The pods' resolver: one process per pod network (podplay-monitor's `dns` command), listening on the network's
   gateway, port 53, UDP and TCP, for the pods of that network alone.  It answers the cluster's names (names.h)
   from the state, read again only when another process has written to it, so a pod that comes later, a Service
   changed or an endpoint turned unready is answered at the next query, with no restart of anything.  Other names
   go to the host's resolvers (the name servers of the host's /etc/resolv.conf, or dns_servers of podplay.conf),
   from the host's namespace, where a resolver on the host's loopback answers too.  It is started with the first
   pod of its network, which binds its sockets (pp_resolver_prepare) so that no query can come before it listens
   and the play need not wait for its start; the removal of the last pod stops it (pp_resolver_release), and it
   ends on its own within a second of a last pod's going any other way. */
#ifndef PP_NET_RESOLVER_H
#define PP_NET_RESOLVER_H

#include "core/context.h"
#include "core/error.h"
#include "state/state.h"

/* Makes what a new resolver of `network` needs, under the network lock: its pid file, locked, and its UDP and TCP
   sockets bound on `gateway` port 53, in fds (in that order).  1 when a resolver runs already (nothing made). */
int pp_resolver_prepare (pp_context_t *ctx, const char *network, const char *gateway, int fds[3], pp_error_t *err);

/* Serves network `network` with what pp_resolver_prepare made, at fds 3, 4 and 5, until the network has no pod.
   Returns the exit status (what went wrong is logged to stderr). */
int pp_resolver_main (pp_context_t *ctx, const char *network);

/* Whether the resolver of `network` runs: its pid, -1 when it has not written it yet, or 0.  Asked under the
   network lock: the probe takes the pid file's lock for a moment, which a start must not meet. */
pid_t pp_resolver_pid (pp_context_t *ctx, const char *network);

/* Where the resolver of `network` keeps its pid (locked while it runs) and its log: paths to free. */
char *pp_resolver_path (pp_context_t *ctx, const char *network, const char *suffix);

/* Stops the resolver of `network`, if one runs, and waits for its end (a network's removal), under the network
   lock. */
void pp_resolver_stop (pp_context_t *ctx, const char *network);

/* Stops the resolver of `network` when the network has no pod left (the last one's removal), so that a `kube
   down` leaves no process behind; takes the network lock. */
void pp_resolver_release (pp_context_t *ctx, pp_state_t *state, const char *network);

#endif
