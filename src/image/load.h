/* Loading images from OCI layouts (`oci:DIR[:TAG]` or a directory), oci-archives and docker-archives. */
#ifndef PP_LOAD_IMAGE_H
#define PP_LOAD_IMAGE_H

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
/* The OCI names of a machine as uname(2) names it (Go's GOARCH, and the ARM variant): x86_64 is amd64, aarch64
   arm64, armv7l arm with variant v7, i686 386, ppc64le, s390x and riscv64 themselves...  An unknown machine keeps
   its own name; *variant is "" where the architecture has none.  Both point to constants or into `machine`. */
void pp_platform_of_machine (const char *machine, const char **arch, const char **variant);
/* Adds "os/arch[/variant]" of an index's `platform` object to a list of them, ", "-separated, for messages. */
void pp_platform_describe (json_t *platform, pp_buf_t *list);
/* Whether an index's `platform` object is os/arch with `variant` ("" for any).  A platform that names no variant
   matches too, unless `exact_variant` (a variant the user asked for): "arm" without one is commonly v7, "arm64"
   v8. */
bool pp_platform_matches (json_t *platform, const char *os, const char *arch, const char *variant, bool exact_variant);

typedef enum
{
  PP_MANIFEST_IMAGE,
  PP_MANIFEST_INDEX, /* an OCI index or a Docker manifest list */
  PP_MANIFEST_UNKNOWN,
} pp_manifest_kind_t;

/* What a manifest is, by its own mediaType or else its descriptor's; `type` names it for messages. */
pp_manifest_kind_t pp_manifest_kind (json_t *manifest, const char *descriptor_type, const char **type);

/* Records the image of `manifest` whose blobs are all in the store already: layers unpacked and checked against
   the config's diff_ids, then the record written under `name` (NULL for none). */
int pp_image_record (pp_store_t *store, const char *source, const char *manifest_digest, json_t *manifest,
                     const char *name, pp_load_result_t *result, pp_error_t *err);

#endif
