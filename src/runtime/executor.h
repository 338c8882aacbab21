/* The built-in executor: runs an OCI bundle in new namespaces, as runc would, with podplay's own code. */
#ifndef PP_EXECUTOR_H
#define PP_EXECUTOR_H

#include "core/error.h"

/* Runs the bundle in `dir` (config.json and its root) in the foreground with the caller's stdio, and waits:
   *status gets the exit code (128 + signal when killed).  Everything is computed from config.json before the
   fork; an error in the child after it reaches the caller through a pipe and is reported once. */
int pp_executor_run (const char *dir, int *status, pp_error_t *err);

#endif
