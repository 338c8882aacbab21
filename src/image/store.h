/* The image store: content-addressed blobs, layers unpacked once and shared, image records named by reference. */
#ifndef PP_STORE_H
#define PP_STORE_H

#include "core/context.h"
#include "core/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Under the storage root:
     blobs/sha256/<hex>   manifests, configs and compressed layers, each verified before it is renamed in
     layers/<hex>/        a layer unpacked in overlay form, named by its diff_id
     images/<id>.json     an image record: names, manifest digest, layers, config
     tmp/                 work in progress, named uniquely, renamed into place when whole
     store.lock           taken (flock) while records or the garbage collector change anything */
typedef struct
{
  char *root;
  int root_fd, blobs_fd, layers_fd, images_fd, tmp_fd;
} pp_store_t;

typedef struct
{
  char *digest, *diff_id, *media_type;
  int64_t size;
} pp_layer_t;

typedef struct
{
  char *id;     /* the config digest's hex */
  char *digest; /* the manifest's digest */
  char **names;
  size_t n_names;
  pp_layer_t *layers;
  size_t n_layers;
  int64_t size; /* config and layer blobs */
  json_t *config;
} pp_image_t;

int pp_store_open (pp_context_t *ctx, pp_store_t *store, pp_error_t *err);
void pp_store_close (pp_store_t *store);

/* Exclusive lock on the store's records; returns an fd to close, or -1. */
int pp_store_lock (pp_store_t *store, pp_error_t *err);
/* Imports hold this shared while they add blobs and layers that no record names yet; the garbage collector holds
   it exclusive, so it never takes what an import is about to record. */
int pp_store_lock_gc (pp_store_t *store, bool exclusive, pp_error_t *err);

/* Copies a blob in from `fd`, checking its digest (and size unless < 0) as it streams; present blobs are kept. */
int pp_store_put_blob (pp_store_t *store, int fd, const char *digest, int64_t size, pp_error_t *err);
bool pp_store_has_blob (pp_store_t *store, const char *digest);

/* A blob written as it arrives (from a registry): hashed on the way, renamed into place only if it checks. */
typedef struct pp_blob_writer pp_blob_writer_t;
pp_blob_writer_t *pp_store_blob_begin (pp_store_t *store, const char *digest, int64_t size, pp_error_t *err);
/* -1 with errno on a write error, or EFBIG past the announced size. */
int pp_blob_write (pp_blob_writer_t *w, const void *data, size_t len);
/* Checks size and digest, renames the blob in; frees the writer either way. */
int pp_blob_commit (pp_blob_writer_t *w, pp_error_t *err);
void pp_blob_abort (pp_blob_writer_t *w);

/* Stores bytes held in memory under their own digest, written into `digest_out`. */
int pp_store_put_bytes (pp_store_t *store, const void *data, size_t len, char digest_out[72], pp_error_t *err);
int pp_store_open_blob (pp_store_t *store, const char *digest, pp_error_t *err);
/* Reads a small blob (a manifest, a config) whole, NUL-terminated; more than `max` bytes is an error. */
int pp_store_read_blob (pp_store_t *store, const char *digest, size_t max, char **data, size_t *len, pp_error_t *err);

/* Unpacks the stored layer blob `digest` unless the layer `diff_id` is there already; fails when the blob's
   content does not have that diff_id. */
int pp_store_unpack_layer (pp_store_t *store, const char *digest, const char *diff_id, pp_error_t *err);

/* Writes an image record; `names` given to it are taken away from any other image (as a tag moves).  With
   `keep_names`, names the record had before stay too (the same image loaded under another name). */
int pp_store_save_image (pp_store_t *store, const pp_image_t *image, bool keep_names, pp_error_t *err);
int pp_store_list (pp_store_t *store, pp_image_t **images, size_t *n, pp_error_t *err);
/* By full name, short name (as `podplay pull` would expand it, or localhost/), id or id prefix, or digest. */
int pp_store_lookup (pp_store_t *store, const char *what, pp_image_t *image, pp_error_t *err);
/* Removes an image record, then every blob and layer no image needs any more. */
int pp_store_remove (pp_store_t *store, const pp_image_t *image, pp_error_t *err);

/* The directories of an image's layers, the lowest first, opened (O_PATH) for the runtime to mount
   (runtime/rootfs.h): *fds holds image->n_layers descriptors, the caller closes them and frees it. */
int pp_store_layer_dirs (pp_store_t *store, const pp_image_t *image, int **fds, pp_error_t *err);

/* Removes every blob and layer no image record needs (what a failed import left). */
int pp_store_gc (pp_store_t *store, pp_error_t *err);

/* The index of the name `what` stands for among an image's names, or -1 (an id, a digest, or no name of it). */
ssize_t pp_image_name_index (const pp_image_t *image, const char *what);

void pp_image_release (pp_image_t *image);
/* A copy of `src` that owns all it holds (the config copied too). */
void pp_image_copy (pp_image_t *dst, const pp_image_t *src);
void pp_images_free (pp_image_t *images, size_t n);
json_t *pp_image_to_json (const pp_image_t *image);
int pp_image_from_json (json_t *j, pp_image_t *image);

#endif
