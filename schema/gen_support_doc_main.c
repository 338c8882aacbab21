/* Writes docs/kubernetes-support.md from the schema tables, so the document cannot drift from the code. */
#include "schema/support_doc.h"

#include <stdio.h>

int
main (void)
{
  pp_support_doc_write (stdout);
  return fflush (stdout) == 0 ? 0 : 1;
}
