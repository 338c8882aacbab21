/* Validation of loaded documents against the schema tables and the API server's rules. */
#ifndef PP_VALIDATE_H
#define PP_VALIDATE_H

#include "schema/diag.h"
#include "schema/node.h"

typedef struct
{
  bool verbose;    /* report not-applicable fields as notes */
  int kube_minor;  /* the cluster's release, 1.kube_minor: a field added later is an error; 0 for PP_KUBE_NEWEST */
  bool empty_pods; /* a Pod may have no container yet: podplay's own manifests of `pod create` */
} pp_validate_opts_t;

/* "1.34" or "v1.34" (a patch release allowed: "1.34.2"), between PP_KUBE_OLDEST and PP_KUBE_NEWEST: its minor
   version; -1 when it is none of those. */
int pp_kube_version_parse (const char *s);

/* Checks every object of a document (a List's items one by one), adding diagnostics; returns the number of objects. */
size_t pp_validate_doc (pp_doc_t *doc, const pp_validate_opts_t *opts, pp_diags_t *diags);

#endif
