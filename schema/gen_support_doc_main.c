/* Writes docs/kubernetes-support.md from the schema tables and play's table of Podman's annotations, so the
   document cannot drift from the code. */
#include "play/annotations.h"
#include "schema/support_doc.h"

#include <stdio.h>

int
main (void)
{
  pp_support_doc_write (stdout);
  pp_annotations_doc_write (stdout);
  return fflush (stdout) == 0 ? 0 : 1;
}
