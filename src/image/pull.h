/* `podplay pull`: images from OCI distribution registries into the store. */
#ifndef PP_PULL_H
#define PP_PULL_H

#include "image/load.h"

typedef struct
{
  bool tls_verify;      /* false: accept any certificate, and plain HTTP */
  const char *cert_dir; /* CA (*.crt) and client (*.cert, *.key) files; default /etc/containers/certs.d/HOST */
  const char *authfile; /* auth.json; default Podman's, then Docker's */
  const char *creds;    /* "user:password" */
  const char *platform; /* "os/arch[/variant]"; default this machine's */
  bool progress;        /* bars on stderr (a terminal) rather than one line per image */
  bool quiet;
} pp_pull_opts_t;

/* Pulls `ref`; its name is added to `result`.  Blobs are verified while they stream; a failed pull leaves
   nothing in the store.  `localhost/...` names are local only and never fetched. */
int pp_image_pull (pp_context_t *ctx, pp_store_t *store, const char *ref, const pp_pull_opts_t *opts,
                   pp_load_result_t *result, pp_error_t *err);

#endif
