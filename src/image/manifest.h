/* Image manifests, indexes and configs parsed from their bytes and checked once, before a pull or a load uses them. */
#ifndef PP_IMAGE_MANIFEST_H
#define PP_IMAGE_MANIFEST_H

#include "core/error.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The largest manifest, index or config read (containerd's limit on a manifest is 4 MiB). */
#define PP_MANIFEST_MAX ((size_t)4 << 20)

#define PP_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define PP_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define PP_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define PP_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define PP_MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"

typedef enum
{
  PP_MANIFEST_IMAGE,
  PP_MANIFEST_INDEX, /* an OCI index or a Docker manifest list */
} pp_manifest_kind_t;

/* A content descriptor, checked: its digest is "sha256:<64 hex>", its size a number >= 0. */
typedef struct
{
  char *media_type; /* NULL when it names none */
  char *digest;
  int64_t size;
  char *os, *arch, *variant; /* an index entry's platform; NULL when not given */
  char *ref_name;            /* its org.opencontainers.image.ref.name annotation, or NULL */
} pp_descriptor_t;

typedef struct
{
  pp_manifest_kind_t kind;
  char *media_type;        /* its own, else its descriptor's; NULL when neither says */
  pp_descriptor_t config;  /* an image's */
  pp_descriptor_t *layers; /* an image's, each of a layer media type podplay unpacks */
  size_t n_layers;
  pp_descriptor_t *manifests; /* an index's */
  size_t n_manifests;
} pp_manifest_t;

/* Parses an image manifest or an index (OCI, or Docker's v2 and manifest lists) of `len` bytes; `descriptor_type`
   is the media type its descriptor gave (NULL for none), which its own mediaType overrides.  Every descriptor it
   holds is checked; an error names the first field that is wrong (`layers[2].digest`), never the bytes. */
int pp_manifest_parse (const void *data, size_t len, const char *descriptor_type, pp_manifest_t *m, pp_error_t *err);
void pp_manifest_release (pp_manifest_t *m);

/* The OCI names of a machine as uname(2) names it (Go's GOARCH, and the ARM variant): x86_64 is amd64, aarch64
   arm64, armv7l arm with variant v7, i686 386, ppc64le, s390x and riscv64 themselves...  An unknown machine keeps
   its own name; *variant is "" where the architecture has none.  Both point to constants or into `machine`. */
void pp_platform_of_machine (const char *machine, const char **arch, const char **variant);
/* This machine's, into the caller's buffers (amd64 when uname fails). */
void pp_platform_host (char *arch, size_t arch_size, char *variant, size_t variant_size);
/* Adds "os/arch[/variant]" of an index entry to a list of them, ", "-separated, for messages. */
void pp_platform_describe (const pp_descriptor_t *d, pp_buf_t *list);
/* Whether an index entry is for os/arch with `variant` ("" for any).  An entry that names no variant matches too,
   unless `exact_variant` (a variant the user asked for): "arm" without one is commonly v7, "arm64" v8. */
bool pp_platform_matches (const pp_descriptor_t *d, const char *os, const char *arch, const char *variant,
                          bool exact_variant);

/* Parses an image config for a manifest of `n_layers` layers: rootfs.diff_ids has one digest per layer, and what
   a container takes from it (config.User, WorkingDir, Env, Entrypoint, Cmd) has the types the image spec gives
   them.  The JSON, or NULL with err set. */
json_t *pp_image_config_parse (const void *data, size_t len, size_t n_layers, pp_error_t *err);

#endif
