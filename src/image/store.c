/* The image store on disk: blobs verified while they stream in, layers unpacked once, records renamed into place. */
#include "image/store.h"
#include "core/safepath.h"
#include "image/digest.h"
#include "image/manifest.h"
#include "image/ref.h"
#include "image/unpack.h"

#include <fcntl.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>

static int
open_subdir (int root, const char *name, pp_error_t *err)
{
  if (mkdirat (root, name, 0700) < 0 && errno != EEXIST)
    return pp_error_make (err, errno, "mkdir `%s`", name);
  int fd = openat (root, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return pp_error_make (err, errno, "open `%s`", name);
  return fd;
}

/* Work left in tmp/ by a process that died (killed in the middle of a pull): named `what-PID-N`, it goes once
   that PID is gone, so an interrupted pull leaves no half blob; the blobs it finished stay for the next try. */
static void
clean_stale_tmp (pp_store_t *store)
{
  int fd = openat (store->tmp_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_dir DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      const char *dash = strchr (de->d_name, '-');
      char *end = NULL;
      long pid = dash ? strtol (dash + 1, &end, 10) : 0;
      if (pid <= 0 || end == NULL || *end != '-' || pid == (long) getpid ())
        continue;
      if (kill ((pid_t) pid, 0) < 0 && errno == ESRCH)
        pp_remove_tree (store->tmp_fd, de->d_name);
    }
}

int
pp_store_open (pp_context_t *ctx, pp_store_t *store, pp_error_t *err)
{
  memset (store, 0, sizeof *store);
  store->root_fd = store->blobs_fd = store->layers_fd = store->images_fd = store->tmp_fd = -1;
  store->root = xstrdup (ctx->root);
  if (pp_mkdir_p (store->root, 0700) < 0)
    return pp_error_make (err, errno, "create the storage root `%s`", store->root);
  store->root_fd = open (store->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (store->root_fd < 0)
    return pp_error_make (err, errno, "open the storage root `%s`", store->root);
  if (mkdirat (store->root_fd, "blobs", 0700) < 0 && errno != EEXIST)
    return pp_error_make (err, errno, "mkdir `%s/blobs`", store->root);
  cleanup_close int blobs = open_subdir (store->root_fd, "blobs", err);
  if (blobs < 0)
    return -1;
  if ((store->blobs_fd = open_subdir (blobs, "sha256", err)) < 0
      || (store->layers_fd = open_subdir (store->root_fd, "layers", err)) < 0
      || (store->images_fd = open_subdir (store->root_fd, "images", err)) < 0
      || (store->tmp_fd = open_subdir (store->root_fd, "tmp", err)) < 0)
    return pp_error_wrap (err, "storage root `%s`", store->root);
  clean_stale_tmp (store);
  return 0;
}

void
pp_store_close (pp_store_t *store)
{
  int *fds[] = { &store->root_fd, &store->blobs_fd, &store->layers_fd, &store->images_fd, &store->tmp_fd };
  for (size_t i = 0; i < PP_N_ELEMENTS (fds); i++)
    if (*fds[i] >= 0)
      close (*fds[i]), *fds[i] = -1;
  free (store->root);
  store->root = NULL;
}

static int
lock_file (pp_store_t *store, const char *name, int how, pp_error_t *err)
{
  int fd = openat (store->root_fd, name, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return pp_error_make (err, errno, "open `%s/%s`", store->root, name);
  if (PP_RETRY (flock (fd, how)) < 0)
    {
      close (fd);
      return pp_error_make (err, errno, "lock `%s/%s`", store->root, name);
    }
  return fd;
}

int
pp_store_lock (pp_store_t *store, pp_error_t *err)
{
  return lock_file (store, "store.lock", LOCK_EX, err);
}

int
pp_store_lock_gc (pp_store_t *store, bool exclusive, pp_error_t *err)
{
  return lock_file (store, "gc.lock", exclusive ? LOCK_EX : LOCK_SH, err);
}

/* A name in tmp/ no other process uses: our pid and a counter. */
static char *
tmp_name (const char *what)
{
  static unsigned counter; /* a one-process sequence, the only static state here */
  return xasprintf ("%s-%d-%u", what, (int) getpid (), __atomic_add_fetch (&counter, 1, __ATOMIC_RELAXED));
}

static bool
blob_exists (pp_store_t *store, const char *hex)
{
  return faccessat (store->blobs_fd, hex, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

static int
write_all (int fd, const void *data, size_t len)
{
  const char *p = data;
  while (len)
    {
      ssize_t w = PP_RETRY (write (fd, p, len));
      if (w < 0)
        return -1;
      p += w;
      len -= (size_t) w;
    }
  return 0;
}

bool
pp_store_has_blob (pp_store_t *store, const char *digest)
{
  const char *hex;
  return pp_digest_valid (digest, &hex) && blob_exists (store, hex);
}

struct pp_blob_writer
{
  pp_store_t *store;
  char *digest, *tmp;
  int fd;
  int64_t size, written;
  pp_sha256_t *sha;
};

pp_blob_writer_t *
pp_store_blob_begin (pp_store_t *store, const char *digest, int64_t size, pp_error_t *err)
{
  if (!pp_digest_valid (digest, NULL))
    {
      pp_error_make (err, 0, "invalid digest `%s`", digest ? digest : "(none)");
      return NULL;
    }
  pp_blob_writer_t *w = xzalloc (sizeof *w);
  w->store = store;
  w->digest = xstrdup (digest);
  w->size = size;
  w->tmp = tmp_name ("blob");
  w->fd = openat (store->tmp_fd, w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (w->fd < 0)
    {
      pp_error_make (err, errno, "create a temporary blob");
      free (w->tmp);
      free (w->digest);
      free (w);
      return NULL;
    }
  w->sha = pp_sha256_new ();
  return w;
}

int
pp_blob_write (pp_blob_writer_t *w, const void *data, size_t len)
{
  pp_sha256_update (w->sha, data, len);
  w->written += (int64_t) len;
  /* More than the manifest promised is already wrong: stop the stream early. */
  if (w->size >= 0 && w->written > w->size)
    {
      errno = EFBIG;
      return -1;
    }
  return write_all (w->fd, data, len);
}

static void
writer_free (pp_blob_writer_t *w, bool remove)
{
  if (w->fd >= 0)
    close (w->fd);
  if (remove)
    unlinkat (w->store->tmp_fd, w->tmp, 0);
  if (w->sha)
    {
      char ignored[72];
      pp_sha256_finish (w->sha, ignored);
    }
  free (w->tmp);
  free (w->digest);
  free (w);
}

void
pp_blob_abort (pp_blob_writer_t *w)
{
  if (w)
    writer_free (w, true);
}

int
pp_blob_commit (pp_blob_writer_t *w, pp_error_t *err)
{
  char got[72];
  pp_sha256_finish (w->sha, got);
  w->sha = NULL;
  int ret = 0;
  if (w->size >= 0 && w->written != w->size)
    ret = pp_error_make (err, 0, "blob %s: %lld bytes where the manifest says %lld (truncated?)", w->digest,
                         (long long) w->written, (long long) w->size);
  else if (strcmp (got, w->digest) != 0)
    ret = pp_error_make (err, 0, "blob %s: its content has digest %s; refusing it", w->digest, got);
  else if (fsync (w->fd) < 0 || renameat (w->store->tmp_fd, w->tmp, w->store->blobs_fd, w->digest + 7) < 0)
    ret = pp_error_make (err, errno, "store blob %s", w->digest);
  writer_free (w, ret < 0);
  return ret;
}

int
pp_store_put_blob (pp_store_t *store, int fd, const char *digest, int64_t size, pp_error_t *err)
{
  if (pp_store_has_blob (store, digest))
    return 0;
  pp_blob_writer_t *w = pp_store_blob_begin (store, digest, size, err);
  if (w == NULL)
    return -1;
  char buf[65536];
  for (;;)
    {
      ssize_t r = PP_RETRY (read (fd, buf, sizeof buf));
      if (r == 0)
        return pp_blob_commit (w, err);
      if (r < 0 || pp_blob_write (w, buf, (size_t) r) < 0)
        {
          int saved = errno;
          bool too_big = saved == EFBIG;
          pp_blob_abort (w);
          if (too_big)
            return pp_error_make (err, 0, "blob %s: longer than the %lld bytes the manifest says", digest,
                                  (long long) size);
          return pp_error_make (err, saved, "copy blob %s", digest);
        }
    }
}

int
pp_store_put_bytes (pp_store_t *store, const void *data, size_t len, char digest_out[72], pp_error_t *err)
{
  pp_sha256_t *h = pp_sha256_new ();
  pp_sha256_update (h, data, len);
  pp_sha256_finish (h, digest_out);
  if (blob_exists (store, digest_out + 7))
    return 0;
  cleanup_free char *tmp = tmp_name ("blob");
  cleanup_close int out = openat (store->tmp_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0 || write_all (out, data, len) < 0 || renameat (store->tmp_fd, tmp, store->blobs_fd, digest_out + 7) < 0)
    {
      int saved = errno;
      unlinkat (store->tmp_fd, tmp, 0);
      return pp_error_make (err, saved, "store blob %s", digest_out);
    }
  return 0;
}

int
pp_store_open_blob (pp_store_t *store, const char *digest, pp_error_t *err)
{
  const char *hex;
  if (!pp_digest_valid (digest, &hex))
    return pp_error_make (err, 0, "invalid digest `%s`", digest ? digest : "(none)");
  int fd = openat (store->blobs_fd, hex, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return pp_error_make (err, errno, "blob %s", digest);
  return fd;
}

int
pp_store_read_blob (pp_store_t *store, const char *digest, size_t max, char **data, size_t *len, pp_error_t *err)
{
  const char *hex;
  if (!pp_digest_valid (digest, &hex))
    return pp_error_make (err, 0, "invalid digest `%s`", digest ? digest : "(none)");
  cleanup_free char *what = xasprintf ("blob %s", digest);
  return pp_read_file_at (store->blobs_fd, hex, PP_RESOLVE_BENEATH, max, what, data, len, err);
}

int
pp_store_unpack_layer (pp_store_t *store, const char *digest, const char *diff_id, pp_error_t *err)
{
  const char *hex;
  if (!pp_digest_valid (diff_id, &hex))
    return pp_error_make (err, 0, "layer %s: invalid diff_id `%s`", digest, diff_id ? diff_id : "(none)");
  if (faccessat (store->layers_fd, hex, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return 0;
  cleanup_close int blob = pp_store_open_blob (store, digest, err);
  if (blob < 0)
    return -1;
  cleanup_free char *tmp = tmp_name ("layer");
  if (mkdirat (store->tmp_fd, tmp, 0755) < 0)
    return pp_error_make (err, errno, "create a temporary layer directory");
  int ret;
  {
    cleanup_close int dest = openat (store->tmp_fd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    char got[72];
    cleanup_free char *what = xasprintf ("layer %s", digest);
    ret = dest < 0 ? pp_error_make (err, errno, "open a temporary layer directory")
                   : pp_layer_unpack (blob, dest, what, got, err);
    if (ret == 0 && strcmp (got, diff_id) != 0)
      ret = pp_error_make (err, 0, "layer %s: its content has diff_id %s, the image config says %s", digest, got,
                           diff_id);
  }
  /* Another process may have unpacked the same layer meanwhile: then its copy stays and ours goes. */
  if (ret == 0 && renameat (store->tmp_fd, tmp, store->layers_fd, hex) < 0 && errno != EEXIST && errno != ENOTEMPTY)
    ret = pp_error_make (err, errno, "store layer %s", diff_id);
  if (faccessat (store->tmp_fd, tmp, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    pp_remove_tree (store->tmp_fd, tmp);
  return ret;
}

json_t *
pp_image_to_json (const pp_image_t *image)
{
  json_t *names = json_array (), *layers = json_array ();
  for (size_t i = 0; i < image->n_names; i++)
    json_array_append_new (names, json_string (image->names[i]));
  for (size_t i = 0; i < image->n_layers; i++)
    json_array_append_new (layers, json_pack ("{s:s, s:s, s:s, s:I}", "digest", image->layers[i].digest, "diffID",
                                              image->layers[i].diff_id, "mediaType", image->layers[i].media_type,
                                              "size", (json_int_t) image->layers[i].size));
  return json_pack ("{s:s, s:s, s:o, s:o, s:I, s:O}", "id", image->id, "digest", image->digest, "names", names,
                    "layers", layers, "size", (json_int_t) image->size, "config", image->config);
}

int
pp_image_from_json (json_t *j, pp_image_t *image)
{
  memset (image, 0, sizeof *image);
  json_t *names = json_object_get (j, "names"), *layers = json_object_get (j, "layers");
  const char *id = json_string_value (json_object_get (j, "id"));
  const char *digest = json_string_value (json_object_get (j, "digest"));
  if (!id || !digest || !json_is_array (names) || !json_is_array (layers))
    return -1;
  image->id = xstrdup (id);
  image->digest = xstrdup (digest);
  image->size = json_integer_value (json_object_get (j, "size"));
  image->config = json_incref (json_object_get (j, "config"));
  image->n_names = json_array_size (names);
  image->names = xzalloc ((image->n_names + 1) * sizeof (char *));
  for (size_t i = 0; i < image->n_names; i++)
    image->names[i] = xstrdup (json_string_value (json_array_get (names, i)) ?: "");
  image->n_layers = json_array_size (layers);
  image->layers = xzalloc ((image->n_layers + 1) * sizeof (pp_layer_t));
  for (size_t i = 0; i < image->n_layers; i++)
    {
      json_t *l = json_array_get (layers, i);
      image->layers[i].digest = xstrdup (json_string_value (json_object_get (l, "digest")) ?: "");
      image->layers[i].diff_id = xstrdup (json_string_value (json_object_get (l, "diffID")) ?: "");
      image->layers[i].media_type = xstrdup (json_string_value (json_object_get (l, "mediaType")) ?: "");
      image->layers[i].size = json_integer_value (json_object_get (l, "size"));
    }
  return 0;
}

void
pp_image_release (pp_image_t *image)
{
  free (image->id);
  free (image->digest);
  for (size_t i = 0; i < image->n_names; i++)
    free (image->names[i]);
  free (image->names);
  for (size_t i = 0; i < image->n_layers; i++)
    {
      free (image->layers[i].digest);
      free (image->layers[i].diff_id);
      free (image->layers[i].media_type);
    }
  free (image->layers);
  json_decref (image->config);
  memset (image, 0, sizeof *image);
}

static char *
dup_or_null (const char *s)
{
  return s ? xstrdup (s) : NULL;
}

void
pp_image_copy (pp_image_t *dst, const pp_image_t *src)
{
  *dst = (pp_image_t){ .id = dup_or_null (src->id),
                       .digest = dup_or_null (src->digest),
                       .names = xzalloc ((src->n_names + 1) * sizeof (char *)),
                       .n_names = src->n_names,
                       .layers = xzalloc ((src->n_layers + 1) * sizeof (pp_layer_t)),
                       .n_layers = src->n_layers,
                       .size = src->size,
                       .config = json_deep_copy (src->config) };
  for (size_t i = 0; i < src->n_names; i++)
    dst->names[i] = dup_or_null (src->names[i]);
  for (size_t i = 0; i < src->n_layers; i++)
    dst->layers[i] = (pp_layer_t){ .digest = dup_or_null (src->layers[i].digest),
                                   .diff_id = dup_or_null (src->layers[i].diff_id),
                                   .media_type = dup_or_null (src->layers[i].media_type),
                                   .size = src->layers[i].size };
}

void
pp_images_free (pp_image_t *images, size_t n)
{
  for (size_t i = 0; i < n; i++)
    pp_image_release (&images[i]);
  free (images);
}

static int
write_record (pp_store_t *store, const pp_image_t *image, pp_error_t *err)
{
  json_t *j = pp_image_to_json (image);
  cleanup_free char *text = json_dumps (j, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  json_decref (j);
  cleanup_free char *tmp = tmp_name ("image");
  cleanup_free char *final = xasprintf ("%s.json", image->id);
  cleanup_close int fd = openat (store->tmp_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 || write_all (fd, text, strlen (text)) < 0 || fsync (fd) < 0
      || renameat (store->tmp_fd, tmp, store->images_fd, final) < 0)
    {
      int saved = errno;
      unlinkat (store->tmp_fd, tmp, 0);
      return pp_error_make (err, saved, "write the record of image %.12s", image->id);
    }
  return 0;
}

static int
list_unlocked (pp_store_t *store, pp_image_t **out, size_t *n, pp_error_t *err)
{
  *out = NULL;
  *n = 0;
  int fd = openat (store->images_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_dir DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
  if (d == NULL)
    return pp_error_make (err, errno, "read `%s/images`", store->root);
  size_t cap = 0;
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      size_t len = strlen (de->d_name);
      if (len < 6 || strcmp (de->d_name + len - 5, ".json") != 0)
        continue;
      /* Read whole: jansson's json_loadfd reads a byte a call, a thousand system calls for each record. */
      cleanup_free char *text = NULL;
      size_t text_len;
      cleanup_error pp_error_t rerr = NULL;
      if (pp_read_file_at (store->images_fd, de->d_name, PP_RESOLVE_BENEATH, PP_MANIFEST_MAX, "an image record", &text,
                           &text_len, &rerr)
          < 0)
        continue;
      json_t *j = json_loadb (text, text_len, 0, NULL);
      if (j == NULL)
        continue;
      if (*n == cap)
        {
          cap = cap ? cap * 2 : 8;
          *out = xrealloc (*out, cap * sizeof (pp_image_t));
        }
      if (pp_image_from_json (j, &(*out)[*n]) == 0)
        (*n)++;
      json_decref (j);
    }
  return 0;
}

int
pp_store_list (pp_store_t *store, pp_image_t **images, size_t *n, pp_error_t *err)
{
  return list_unlocked (store, images, n, err);
}

int
pp_store_save_image (pp_store_t *store, const pp_image_t *image, bool keep_names, pp_error_t *err)
{
  cleanup_close int lock = pp_store_lock (store, err);
  if (lock < 0)
    return -1;
  pp_image_t *all;
  size_t n;
  if (list_unlocked (store, &all, &n, err) < 0)
    return -1;
  int ret = 0;
  /* A name belongs to one image: the other images that hold it lose it. */
  for (size_t i = 0; ret == 0 && i < n; i++)
    {
      if (strcmp (all[i].id, image->id) == 0)
        continue;
      size_t kept = 0;
      for (size_t k = 0; k < all[i].n_names; k++)
        {
          bool taken = false;
          for (size_t m = 0; m < image->n_names; m++)
            taken = taken || strcmp (all[i].names[k], image->names[m]) == 0;
          if (taken)
            free (all[i].names[k]);
          else
            all[i].names[kept++] = all[i].names[k];
        }
      if (kept != all[i].n_names)
        {
          all[i].n_names = kept;
          ret = write_record (store, &all[i], err);
        }
    }
  /* The same image loaded again under another name keeps the names it had. */
  pp_image_t merged = *image;
  cleanup_free char **names = xzalloc ((image->n_names + 1) * sizeof (char *));
  memcpy (names, image->names, image->n_names * sizeof (char *));
  merged.names = names;
  for (size_t i = 0; i < n; i++)
    if (keep_names && strcmp (all[i].id, image->id) == 0)
      for (size_t k = 0; k < all[i].n_names; k++)
        {
          bool have = false;
          for (size_t m = 0; m < merged.n_names; m++)
            have = have || strcmp (merged.names[m], all[i].names[k]) == 0;
          if (!have)
            {
              names = xrealloc (names, (merged.n_names + 2) * sizeof (char *));
              names[merged.n_names++] = all[i].names[k];
              merged.names = names;
            }
        }
  if (ret == 0)
    ret = write_record (store, &merged, err);
  pp_images_free (all, n);
  return ret;
}

/* Which of an image's names `what` stands for: the name itself, its normalised form (`full`), or a short name of a
   local image ("x" and "x:tag" stand for localhost/x:tag). */
static ssize_t
name_index (const pp_image_t *img, const char *what, const char *full)
{
  cleanup_free char *local = xasprintf ("localhost/%s%s", what, strchr (what, ':') ? "" : ":latest");
  for (size_t i = 0; i < img->n_names; i++)
    if (strcmp (img->names[i], what) == 0 || (full && strcmp (img->names[i], full) == 0)
        || strcmp (img->names[i], local) == 0)
      return (ssize_t) i;
  return -1;
}

ssize_t
pp_image_name_index (const pp_image_t *image, const char *what)
{
  pp_ref_t ref;
  pp_error_t ignore = NULL;
  cleanup_free char *full = NULL;
  if (pp_ref_parse (what, &ref, &ignore) == 0)
    {
      full = pp_ref_string (&ref);
      pp_ref_release (&ref);
    }
  pp_error_release (&ignore);
  return name_index (image, what, full);
}

static bool
matches (const pp_image_t *img, const char *what, const char *full)
{
  if (strcmp (img->digest, what) == 0)
    return true;
  size_t wl = strlen (what);
  if (wl >= 3 && wl <= strlen (img->id) && strncmp (img->id, what, wl) == 0)
    return true;
  if (strncmp (what, "sha256:", 7) == 0 && strcmp (img->id, what + 7) == 0)
    return true;
  return name_index (img, what, full) >= 0;
}

int
pp_store_lookup (pp_store_t *store, const char *what, pp_image_t *image, pp_error_t *err)
{
  pp_image_t *all;
  size_t n;
  if (list_unlocked (store, &all, &n, err) < 0)
    return -1;
  pp_ref_t ref;
  pp_error_t ignore = NULL;
  cleanup_free char *full = NULL;
  if (pp_ref_parse (what, &ref, &ignore) == 0)
    {
      full = pp_ref_string (&ref);
      pp_ref_release (&ref);
    }
  pp_error_release (&ignore);
  int found = -1;
  for (size_t i = 0; i < n; i++)
    if (matches (&all[i], what, full))
      {
        if (found >= 0 && strcmp (all[found].id, all[i].id) != 0)
          {
            pp_images_free (all, n);
            return pp_error_make (err, 0, "`%s` is ambiguous: it names several images", what);
          }
        found = (int) i;
      }
  if (found < 0)
    {
      pp_images_free (all, n);
      return pp_error_make (err, 0, "%s: image not known", what);
    }
  *image = all[found];
  memset (&all[found], 0, sizeof all[found]);
  pp_images_free (all, n);
  return 0;
}

/* Removes blobs and layers that no image record names. */
static void
collect_garbage (pp_store_t *store, const pp_image_t *images, size_t n)
{
  int dirs[2] = { store->blobs_fd, store->layers_fd };
  for (int k = 0; k < 2; k++)
    {
      int fd = openat (dirs[k], ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      cleanup_dir DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
      struct dirent *de;
      while (d && (de = readdir (d)) != NULL)
        {
          if (de->d_name[0] == '.')
            continue;
          bool used = false;
          for (size_t i = 0; !used && i < n; i++)
            {
              const pp_image_t *im = &images[i];
              if (k == 0)
                {
                  used = strcmp (im->digest + 7, de->d_name) == 0 || strcmp (im->id, de->d_name) == 0;
                  for (size_t l = 0; !used && l < im->n_layers; l++)
                    used = strcmp (im->layers[l].digest + 7, de->d_name) == 0;
                }
              else
                for (size_t l = 0; !used && l < im->n_layers; l++)
                  used = strcmp (im->layers[l].diff_id + 7, de->d_name) == 0;
            }
          if (!used)
            pp_remove_tree (dirs[k], de->d_name);
        }
    }
}

/* Takes both locks in the order imports take them (gc, then records), so the two never wait on each other; removes
   the record of `remove` (if any), then what no remaining record needs. */
static int
remove_and_collect (pp_store_t *store, const pp_image_t *remove, pp_error_t *err)
{
  cleanup_close int gc = pp_store_lock_gc (store, true, err);
  if (gc < 0)
    return -1;
  cleanup_close int lock = pp_store_lock (store, err);
  if (lock < 0)
    return -1;
  if (remove)
    {
      cleanup_free char *name = xasprintf ("%s.json", remove->id);
      if (unlinkat (store->images_fd, name, 0) < 0 && errno != ENOENT)
        return pp_error_make (err, errno, "remove image %.12s", remove->id);
    }
  pp_image_t *all;
  size_t n;
  if (list_unlocked (store, &all, &n, err) < 0)
    return -1;
  collect_garbage (store, all, n);
  pp_images_free (all, n);
  return 0;
}

int
pp_store_gc (pp_store_t *store, pp_error_t *err)
{
  return remove_and_collect (store, NULL, err);
}

int
pp_store_remove (pp_store_t *store, const pp_image_t *image, pp_error_t *err)
{
  return remove_and_collect (store, image, err);
}

int
pp_store_layer_dirs (pp_store_t *store, const pp_image_t *image, int **fds, pp_error_t *err)
{
  int *out = xzalloc ((image->n_layers + 1) * sizeof (int));
  int ret = 0;
  size_t i;
  for (i = 0; ret == 0 && i < image->n_layers; i++)
    {
      const char *hex;
      if (!pp_digest_valid (image->layers[i].diff_id, &hex))
        ret = pp_error_make (err, 0, "image %.12s: invalid diff_id", image->id);
      else if ((out[i] = openat (store->layers_fd, hex, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        ret = pp_error_make (err, errno, "open the layer %.12s of image %.12s", hex, image->id);
    }
  if (ret < 0)
    {
      for (size_t k = 0; k + 1 < i; k++)
        close (out[k]);
      free (out);
      return -1;
    }
  *fds = out;
  return 0;
}
