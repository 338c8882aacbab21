/* Validation of loaded documents against the schema tables and the API server's rules. */
#ifndef PP_VALIDATE_H
#define PP_VALIDATE_H

#include "schema/diag.h"
#include "schema/node.h"

typedef struct
{
  bool verbose; /* report not-applicable fields as notes */
} pp_validate_opts_t;

/* Checks every object of a document (a List's items one by one), adding diagnostics; returns the number of objects. */
size_t pp_validate_doc (pp_doc_t *doc, const pp_validate_opts_t *opts, pp_diags_t *diags);

#endif
