/* The context every library call receives: roots, logging and options, so no module keeps global state. */
#ifndef PP_CONTEXT_H
#define PP_CONTEXT_H

#include "core/log.h"

typedef struct pp_context_s
{
  char *root;    /* persistent storage: images, volumes, state database */
  char *runroot; /* runtime state: mounts, sockets, pid files */
  pp_log_level_t log_level;
  const char *runtime; /* what runs containers: NULL (the built-in executor), "runc" or "crun" */
  FILE *log_stream; /* where pp_log writes; stderr unless a test says otherwise */
} pp_context_t;

/* Fills roots with the defaults: /var/lib/podplay and /run/podplay as root, XDG directories otherwise. */
void pp_context_init (pp_context_t *ctx);
void pp_context_set_root (pp_context_t *ctx, const char *root);
void pp_context_set_runroot (pp_context_t *ctx, const char *runroot);
void pp_context_release (pp_context_t *ctx);

#endif
