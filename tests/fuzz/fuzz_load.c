/* libFuzzer target: arbitrary bytes through the YAML loader and the validator, as `kube validate -` would take them. */
#include "schema/load.h"
#include "schema/validate.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  pp_diags_t diags = { 0 };
  pp_validate_opts_t opts = { .verbose = size & 1 };
  pp_loader_t *l = pp_loader_new ("fuzz.yaml", (const char *) data, size, &diags);
  pp_doc_t *doc;
  while (pp_loader_next (l, &doc) > 0)
    {
      pp_validate_doc (doc, &opts, &diags);
      pp_doc_free (doc);
    }
  pp_loader_free (l);
  /* Every diagnostic must be printable. */
  FILE *null = fopen ("/dev/null", "w");
  for (size_t i = 0; null && i < diags.n; i++)
    pp_diag_print (null, &diags.v[i]);
  if (null)
    fclose (null);
  pp_diags_free (&diags);
  return 0;
}
