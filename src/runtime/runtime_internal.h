/* What the runtime table shares with its two backends, the built-in executor and the external OCI runtime. */
#ifndef PP_RUNTIME_INTERNAL_H
#define PP_RUNTIME_INTERNAL_H

#include "runtime/runtime.h"

/* kill(2) of the container's process, what both backends do: an OCI runtime's container process is the caller's
   child (the caller is a subreaper), which `runc kill` would signal the same way, without a process per signal. */
int pp_runtime_kill_process (const pp_runtime_t *rt, const pp_runtime_ctr_t *c, int sig, pp_error_t *err);
/* The terminal's master side, sent over the connected socket `sock`, made non-blocking. */
int pp_runtime_recv_terminal (int sock, pp_error_t *err);

#endif
