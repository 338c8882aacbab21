/* Loading images from OCI layouts (`oci:DIR[:TAG]` or a directory), oci-archives and docker-archives. */
#ifndef PP_LOAD_IMAGE_H
#define PP_LOAD_IMAGE_H

#include "image/manifest.h"
#include "image/store.h"

typedef struct
{
  char **names; /* the names (or ids, for unnamed images) loaded */
  size_t n;
} pp_load_result_t;

/* `input` is a layout directory, `oci:DIR[:TAG]`, an archive file, or "-" for an archive on standard input.
   Nothing enters the store unless its digest checks; a failed load leaves no image record. */
int pp_image_load (pp_context_t *ctx, pp_store_t *store, const char *input, pp_load_result_t *result, pp_error_t *err);
void pp_load_result_release (pp_load_result_t *result);
/* Records the image of `manifest` whose blobs are all in the store already: layers unpacked and checked against
   the config's diff_ids, then the record written under `name` (NULL for none). */
int pp_image_record (pp_store_t *store, const char *source, const char *manifest_digest,
                     const pp_manifest_t *manifest, const char *name, pp_load_result_t *result, pp_error_t *err);

#endif
