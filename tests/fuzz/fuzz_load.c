/* libFuzzer target: arbitrary bytes through the YAML loader and the validator, as `kube validate -` would take them;
   each document through the emitter, whose YAML must read back into what emits the same bytes again; and the loader's
   fast reader against libyaml alone, which must give the same documents, trees and diagnostics. */
#include "load_diff.h"
#include "schema/emit.h"
#include "schema/load.h"
#include "schema/validate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The object's type when it validated, else none (its nodes' own tags). */
static void
emit (pp_buf_t *b, const pp_node_t *root, bool valid)
{
  const pp_kind_info_t *info = valid ? pp_kind_lookup (pp_node_str (pp_node_get (root, "apiVersion")) ?: "",
                                                       pp_node_str (pp_node_get (root, "kind")) ?: "")
                                     : NULL;
  pp_emit_object (b, root, info ? info->type : NULL);
}

static void
check_emit (const pp_node_t *root, bool valid)
{
  pp_buf_t first = { 0 }, second = { 0 };
  emit (&first, root, valid);
  pp_diags_t diags = { 0 };
  pp_loader_t *l = pp_loader_new ("emitted.yaml", first.data, first.len, &diags);
  pp_doc_t *doc = NULL;
  if (pp_loader_next (l, &doc) != 1 || diags.errors || doc->root == NULL)
    abort ();
  emit (&second, doc->root, valid);
  if (second.len != first.len || memcmp (first.data, second.data, first.len) != 0)
    abort ();
  pp_doc_free (doc);
  pp_loader_free (l);
  pp_diags_free (&diags);
  pp_buf_free (&first);
  pp_buf_free (&second);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char why[512];
  uint32_t fast;
  if (load_diff ((const char *) data, size, why, sizeof why, &fast))
    {
      fprintf (stderr, "fast reader and libyaml differ: %s\n", why);
      abort ();
    }
  pp_diags_t diags = { 0 };
  pp_validate_opts_t opts = { .verbose = size & 1 };
  pp_loader_t *l = pp_loader_new ("fuzz.yaml", (const char *) data, size, &diags);
  pp_doc_t *doc;
  size_t before = 0;
  while (pp_loader_next (l, &doc) > 0)
    {
      /* A document the loader found fault with (a key twice) is not one the emitter is given. */
      bool loaded = diags.errors == before;
      size_t errors = diags.errors;
      pp_validate_doc (doc, &opts, &diags);
      if (loaded && doc->root && doc->root->type == PP_NODE_MAP)
        check_emit (doc->root, diags.errors == errors);
      pp_doc_free (doc);
      before = diags.errors;
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
