/* The per-pod monitor, run as `podplay monitor POD-ID` (the binary re-executed, detached). */
#ifndef PP_MONITOR_H
#define PP_MONITOR_H

#include "core/context.h"

/* Supervises the pod until its containers are done or it is stopped; `ready_fd` (or -1) is closed once the
   first containers run, after an error is written to it if they could not start.  Returns the exit status. */
int pp_monitor_main (pp_context_t *ctx, const char *pod_id, int ready_fd);

#endif
