/* An ordinary user's pod networks: podplay's bridges, rules and resolvers live in a network namespace of the user's
   own (the infra namespace, bound at <runroot>/infra/net in the user's mount namespace), which slirp4netns connects
   to the host and through which it publishes hostPorts on the host's side, as Podman's rootless netns does. */
#ifndef PP_NET_INFRA_H
#define PP_NET_INFRA_H

#include "core/context.h"
#include "core/error.h"
#include "net/nft.h"
#include "state/state.h"

#include <stdbool.h>

/* The infra namespace's address on slirp4netns's network, where it forwards the host's published ports. */
#define PP_INFRA_ADDRESS "10.0.2.100"
/* slirp4netns's resolver, which asks the host's. */
#define PP_INFRA_DNS "10.0.2.3"
/* In the environment of what a rootless podplay in the infra namespace starts: the host's unprivileged port floor. */
#define PP_INFRA_ENV "_PODPLAY_INFRA"

/* Moves the calling thread into the infra namespace (the main thread of a rootless command in its user namespace,
   before it starts others, which then are there too).  When this mount namespace has none, a slirp4netns left by
   a user namespace that is gone is ended, and with `create` the namespace and its slirp4netns are made (without,
   the caller stays on the host's network: the pods' links went with the old namespace).  Does nothing as root. */
int pp_infra_enter (pp_context_t *ctx, bool create, pp_error_t *err);

/* Takes the infra namespace's lock shared again, on an open file of its own, for a process forked from a
   command in it that outlives the command (a Job controller, which makes pods there until the Job ends): no
   release ends the namespace under it.  Nothing when not in it. */
void pp_infra_hold (pp_context_t *ctx);

/* Runs `fn` on the host's network: on a thread pp_infra_enter made before it left the host's network (a network
   namespace is a thread's, and a user's process cannot go back to the host's), for what a hostNetwork pod
   starts (its monitor, a Job controller), which from the infra namespace would be in it; in the caller's thread
   when this process never left.  `fn`'s return. */
int pp_infra_host_side (int (*fn) (void *arg), void *arg);

/* The unprivileged port floor of the caller's network (net.ipv4.ip_unprivileged_port_start): read on the host's
   network, it is the lowest port an ordinary user's slirp4netns may publish. */
int pp_infra_port_floor (void);

/* Publishes `ports` on the host's side: the host's address and port (an unprivileged one, or the error names
   net.ipv4.ip_unprivileged_port_start) forwarded to the same port of the infra namespace, where podplay's rules
   take it to the pod.  A port forwarded already is left as it is. */
int pp_infra_forward_add (pp_context_t *ctx, const char *pod_id, const pp_nft_port_t *ports, size_t n,
                          pp_error_t *err);
/* Withdraws the forwards of `ports` that pod `pod_id` holds (not those a replacement took over). */
int pp_infra_forward_remove (pp_context_t *ctx, const char *pod_id, const pp_nft_port_t *ports, size_t n,
                             pp_error_t *err);

/* What `holder` (the Services: "services") publishes on the host's side is `ports` now: those it held that are
   not among them are withdrawn, and the others forwarded. */
int pp_infra_forward_sync (pp_context_t *ctx, const char *holder, const pp_nft_port_t *ports, size_t n,
                           pp_error_t *err);

/* Ends slirp4netns and unbinds the infra namespace when no pod of the user is on a network any more. */
void pp_infra_release (pp_context_t *ctx, pp_state_t *state);

#endif
