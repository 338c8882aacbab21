/* The Kubernetes support table, generated from the schema tables. */
#ifndef PP_SUPPORT_DOC_H
#define PP_SUPPORT_DOC_H

#include <stdio.h>

void pp_support_doc_write (FILE *out);

#endif
