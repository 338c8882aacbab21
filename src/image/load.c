/* `podplay load`: images from OCI layouts, oci-archives and docker-archives into the store, every byte verified. */
#include "image/load.h"
#include "core/ondemand.h"
#include "core/safepath.h"
#include "image/digest.h"
#include "image/manifest.h"
#include "image/ref.h"
#include "image/unpack.h"

#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>

typedef struct
{
  pp_context_t *ctx;
  pp_store_t *store;
  int blobs_fd;       /* the source's blobs/sha256 */
  const char *source; /* for messages */
  const char *default_repo;
  pp_load_result_t *result;
} import_t;

static void
result_add (pp_load_result_t *r, const char *name)
{
  r->names = xrealloc (r->names, (r->n + 2) * sizeof (char *));
  r->names[r->n++] = xstrdup (name);
  r->names[r->n] = NULL;
}

void
pp_load_result_release (pp_load_result_t *r)
{
  for (size_t i = 0; i < r->n; i++)
    free (r->names[i]);
  free (r->names);
  r->names = NULL;
  r->n = 0;
}

/* A small file of the source (`oci-layout`, `index.json`, `manifest.json`), never through a symlink or out of it. */
static int
read_at (int dirfd, const char *name, const char *source, char **data, size_t *len, pp_error_t *err)
{
  cleanup_free char *what = xasprintf ("%s: `%s`", source, name);
  return pp_read_file_at (dirfd, name, PP_RESOLVE_BENEATH, PP_MANIFEST_MAX, what, data, len, err);
}

/* Copies the blob `digest` from the source into the store, checked against its digest and size. */
static int
copy_blob (import_t *im, const char *digest, int64_t size, pp_error_t *err)
{
  const char *hex;
  if (!pp_digest_valid (digest, &hex))
    return pp_error_make (err, 0, "%s: invalid digest `%s`", im->source, digest ? digest : "(none)");
  /* A regular file only: an archive may hold a FIFO, which would block the load, or a device. */
  cleanup_free char *what = xasprintf ("%s: blob %s", im->source, digest);
  struct stat st;
  cleanup_close int fd = pp_open_regular_at (im->blobs_fd, hex, PP_RESOLVE_BENEATH, what, &st, err);
  if (fd < 0)
    return -1;
  if (pp_store_put_blob (im->store, fd, digest, size, err) < 0)
    return pp_error_wrap (err, "%s", im->source);
  return 0;
}

/* The config of an image, parsed for its `n_layers` layers, from the store. */
static json_t *
read_config (import_t *im, const pp_descriptor_t *desc, size_t n_layers, pp_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len;
  json_t *config = NULL;
  if (copy_blob (im, desc->digest, desc->size, err) == 0
      && pp_store_read_blob (im->store, desc->digest, PP_MANIFEST_MAX, &data, &len, err) == 0)
    config = pp_image_config_parse (data, len, n_layers, err);
  if (config == NULL)
    pp_error_wrap (err, "%s: config %s", im->source, desc->digest);
  return config;
}

/* Stores the layers and the record of one image whose manifest is in the store already. */
static int
record_image (import_t *im, const char *manifest_digest, const pp_manifest_t *m, const char *name, pp_error_t *err)
{
  json_t *config = read_config (im, &m->config, m->n_layers, err);
  if (config == NULL)
    return -1;
  json_t *diff_ids = json_object_get (json_object_get (config, "rootfs"), "diff_ids");
  pp_image_t image = { .id = xstrdup (m->config.digest + 7), .digest = xstrdup (manifest_digest), .config = config };
  int ret = 0;
  image.layers = xzalloc ((m->n_layers + 1) * sizeof (pp_layer_t));
  image.size = m->config.size;
  for (size_t i = 0; ret == 0 && i < m->n_layers; i++)
    {
      const pp_descriptor_t *l = &m->layers[i];
      const char *diff_id = json_string_value (json_array_get (diff_ids, i));
      if (copy_blob (im, l->digest, l->size, err) < 0)
        ret = -1;
      else if (pp_store_unpack_layer (im->store, l->digest, diff_id, err) < 0)
        ret = pp_error_wrap (err, "%s", im->source);
      else
        {
          image.layers[image.n_layers++] = (pp_layer_t){ .digest = xstrdup (l->digest), .diff_id = xstrdup (diff_id),
                                                         .media_type = xstrdup (l->media_type), .size = l->size };
          image.size += l->size;
        }
    }
  if (ret == 0 && name)
    {
      image.names = xzalloc (2 * sizeof (char *));
      image.names[image.n_names++] = xstrdup (name);
    }
  if (ret == 0)
    ret = pp_store_save_image (im->store, &image, true, err);
  if (ret == 0)
    result_add (im->result, name ? name : image.id);
  pp_image_release (&image);
  return ret;
}

/* The name an image of a layout is stored under: its ref.name when that is a full reference, else
   localhost/<the layout's name>:<ref.name>. */
static char *
image_name (import_t *im, const char *ref_name, pp_error_t *err)
{
  if (ref_name == NULL || *ref_name == '\0')
    return NULL;
  pp_ref_t ref;
  cleanup_free char *text = strchr (ref_name, '/') ? xstrdup (ref_name)
                                                   : xasprintf ("localhost/%s:%s", im->default_repo, ref_name);
  if (pp_ref_parse (text, &ref, err) < 0)
    return NULL;
  char *name = pp_ref_string (&ref);
  pp_ref_release (&ref);
  return name;
}

static int import_descriptor (import_t *im, const pp_descriptor_t *desc, const char *name, pp_error_t *err);

/* An index or manifest list: the manifest for this machine's platform. */
static int
import_index (import_t *im, const char *digest, const pp_manifest_t *index, const char *name, pp_error_t *err)
{
  char arch[72], variant[16];
  pp_platform_host (arch, sizeof arch, variant, sizeof variant);
  int ret = 1;
  pp_buf_t have = { 0 };
  for (size_t i = 0; i < index->n_manifests; i++)
    {
      const pp_descriptor_t *m = &index->manifests[i];
      pp_platform_describe (m, &have);
      if (ret == 1 && pp_platform_matches (m, "linux", arch, variant, false))
        ret = import_descriptor (im, m, name, err);
    }
  if (ret == 1)
    ret = pp_error_make (err, 0, "%s: image %s has no linux/%s%s%s variant (it has %s)", im->source, digest, arch,
                         *variant ? "/" : "", variant, have.len ? have.data : "none");
  pp_buf_free (&have);
  return ret;
}

/* The manifest or index a descriptor names, copied into the store, then imported. */
static int
import_descriptor (import_t *im, const pp_descriptor_t *desc, const char *name, pp_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len;
  pp_manifest_t m;
  if (copy_blob (im, desc->digest, desc->size, err) < 0
      || pp_store_read_blob (im->store, desc->digest, PP_MANIFEST_MAX, &data, &len, err) < 0)
    return -1;
  if (pp_manifest_parse (data, len, desc->media_type, &m, err) < 0)
    return pp_error_wrap (err, "%s: manifest %s", im->source, desc->digest);
  int ret = m.kind == PP_MANIFEST_INDEX ? import_index (im, desc->digest, &m, name, err)
                                        : record_image (im, desc->digest, &m, name, err);
  pp_manifest_release (&m);
  return ret;
}

/* The layout's index.json, which must be an index, after its oci-layout file. */
static int
read_layout_index (import_t *im, int dirfd, pp_manifest_t *index, pp_error_t *err)
{
  cleanup_free char *layout = NULL;
  cleanup_free char *data = NULL;
  size_t len;
  json_t *j = read_at (dirfd, "oci-layout", im->source, &layout, &len, err) < 0 ? NULL : json_loadb (layout, len, 0, NULL);
  if (!json_is_object (j))
    {
      json_decref (j);
      return *err ? pp_error_wrap (err, "not an OCI layout")
                  : pp_error_make (err, 0, "%s: `oci-layout` is not a JSON object: not an OCI layout", im->source);
    }
  json_decref (j);
  if (read_at (dirfd, "index.json", im->source, &data, &len, err) < 0)
    return -1;
  if (pp_manifest_parse (data, len, PP_MT_OCI_INDEX, index, err) < 0)
    return pp_error_wrap (err, "%s: `index.json`", im->source);
  if (index->kind == PP_MANIFEST_INDEX)
    return 0;
  pp_manifest_release (index);
  return pp_error_make (err, 0, "%s: `index.json` is not an image index", im->source);
}

static int
import_layout (import_t *im, int dirfd, const char *tag, pp_error_t *err)
{
  pp_manifest_t index;
  if (read_layout_index (im, dirfd, &index, err) < 0)
    return -1;
  cleanup_close int blobs = pp_open_at (dirfd, "blobs/sha256", PP_RESOLVE_BENEATH, O_RDONLY | O_DIRECTORY, 0);
  im->blobs_fd = blobs;
  int ret = 0;
  size_t loaded = 0;
  if (blobs < 0)
    ret = pp_error_make (err, errno, "%s: blobs/sha256", im->source);
  for (size_t i = 0; ret == 0 && i < index.n_manifests; i++)
    {
      const char *ref = index.manifests[i].ref_name;
      if (tag && (ref == NULL || strcmp (ref, tag) != 0))
        continue;
      cleanup_free char *name = image_name (im, ref, err);
      ret = ref && *ref && name == NULL ? -1 : import_descriptor (im, &index.manifests[i], name, err);
      loaded++;
    }
  if (ret == 0 && loaded == 0)
    ret = pp_error_make (err, 0, "%s: no image%s%s in the layout", im->source, tag ? " tagged " : "", tag ? tag : "");
  pp_manifest_release (&index);
  return ret;
}

/* A file that a docker-archive's manifest.json names, beneath the archive and a regular file, into the store; its
   digest and size. */
static int
put_member (import_t *im, int dirfd, const char *path, const char *what, char digest[72], int64_t *size,
            pp_error_t *err)
{
  if (path == NULL)
    return pp_error_make (err, 0, "%s: manifest.json names no %s", im->source, what);
  cleanup_free char *desc = xasprintf ("%s: %s `%s`", im->source, what, path);
  struct stat st;
  cleanup_close int fd = pp_open_regular_at (dirfd, path, PP_RESOLVE_BENEATH, desc, &st, err);
  if (fd < 0 || pp_digest_fd (fd, digest, err) < 0 || pp_store_put_blob (im->store, fd, digest, st.st_size, err) < 0)
    return fd < 0 ? -1 : pp_error_wrap (err, "%s", desc);
  *size = st.st_size;
  return 0;
}

/* An OCI manifest of its own for an image of a docker-archive (so that it can be pushed and inspected like any
   other), its config and layers put into the store. */
static char *
docker_manifest (import_t *im, int dirfd, json_t *entry, pp_error_t *err)
{
  char cdigest[72];
  int64_t csize;
  if (put_member (im, dirfd, json_string_value (json_object_get (entry, "Config")), "config", cdigest, &csize, err) < 0)
    return NULL;
  json_t *ldescs = json_array ();
  json_t *manifest = json_pack ("{s:i, s:s, s:{s:s, s:s, s:I}, s:o}", "schemaVersion", 2, "mediaType",
                                PP_MT_OCI_MANIFEST, "config", "mediaType", "application/vnd.oci.image.config.v1+json",
                                "digest", cdigest, "size", (json_int_t) csize, "layers", ldescs);
  size_t j;
  json_t *l;
  json_array_foreach (json_object_get (entry, "Layers"), j, l)
  {
    char ldigest[72];
    int64_t lsize;
    if (put_member (im, dirfd, json_string_value (l), "layer", ldigest, &lsize, err) < 0)
      {
        json_decref (manifest);
        return NULL;
      }
    json_array_append_new (ldescs, json_pack ("{s:s, s:s, s:I}", "mediaType", PP_MT_OCI_LAYER, "digest", ldigest,
                                              "size", (json_int_t) lsize));
  }
  char *text = json_dumps (manifest, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref (manifest);
  return text;
}

/* Records the image of a docker-archive's manifest `text` under each of its tags, or none. */
static int
docker_record (import_t *im, const char *text, json_t *tags, pp_error_t *err)
{
  char mdigest[72];
  pp_manifest_t m;
  if (pp_store_put_bytes (im->store, text, strlen (text), mdigest, err) < 0
      || pp_manifest_parse (text, strlen (text), NULL, &m, err) < 0)
    return -1;
  /* The blobs are in the store already: record_image reads them from there. */
  int saved = im->blobs_fd, ret = 0;
  im->blobs_fd = im->store->blobs_fd;
  if (json_array_size (tags) == 0)
    ret = record_image (im, mdigest, &m, NULL, err);
  for (size_t t = 0; ret == 0 && t < json_array_size (tags); t++)
    {
      pp_ref_t ref;
      if (pp_ref_parse (json_string_value (json_array_get (tags, t)) ?: "", &ref, err) < 0)
        ret = -1;
      else
        {
          cleanup_free char *name = pp_ref_string (&ref);
          pp_ref_release (&ref);
          ret = record_image (im, mdigest, &m, name, err);
        }
    }
  im->blobs_fd = saved;
  pp_manifest_release (&m);
  return ret;
}

/* docker save's format: manifest.json names each image's config, tags and layer tars. */
static int
import_docker_archive (import_t *im, int dirfd, pp_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len;
  if (read_at (dirfd, "manifest.json", im->source, &data, &len, err) < 0)
    return -1;
  json_t *list = json_loadb (data, len, JSON_REJECT_DUPLICATES, NULL);
  int ret = json_is_array (list) ? 0 : pp_error_make (err, 0, "%s: `manifest.json` is not a JSON list", im->source);
  for (size_t i = 0; ret == 0 && i < json_array_size (list); i++)
    {
      json_t *entry = json_array_get (list, i);
      cleanup_free char *text = docker_manifest (im, dirfd, entry, err);
      ret = text ? docker_record (im, text, json_object_get (entry, "RepoTags"), err) : -1;
    }
  json_decref (list);
  return ret;
}

/* Unpacks an archive into a fresh directory under the store's tmp/, with the layer unpacker's confinement. */
static int
extract_archive (pp_store_t *store, int fd, const char *source, char **dir, pp_error_t *err)
{
  *dir = xasprintf ("archive-%d-%p", (int) getpid (), (void *) dir);
  if (mkdirat (store->tmp_fd, *dir, 0700) < 0)
    return pp_error_make (err, errno, "create a temporary directory");
  cleanup_close int dest = openat (store->tmp_fd, *dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  char ignored[72];
  cleanup_free char *what = xasprintf ("archive %s", source);
  if (dest < 0)
    return pp_error_make (err, errno, "open a temporary directory");
  return pp_layer_unpack (fd, dest, what, ignored, err);
}

static int
copy_stdin (pp_store_t *store, char **name, pp_error_t *err)
{
  *name = xasprintf ("stdin-%d-0", (int) getpid ());
  cleanup_close int out = openat (store->tmp_fd, *name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0)
    return pp_error_make (err, errno, "create a temporary file");
  char buf[65536];
  for (;;)
    {
      ssize_t r = PP_RETRY (read (STDIN_FILENO, buf, sizeof buf));
      if (r < 0)
        return pp_error_make (err, errno, "read standard input");
      if (r == 0)
        return 0;
      for (ssize_t off = 0; off < r;)
        {
          ssize_t w = PP_RETRY (write (out, buf + off, (size_t) (r - off)));
          if (w < 0)
            return pp_error_make (err, errno, "write a temporary file");
          off += w;
        }
    }
}

static char *
base_repo (const char *path)
{
  cleanup_free char *copy = xstrdup (path);
  size_t len = strlen (copy);
  while (len > 1 && copy[len - 1] == '/')
    copy[--len] = '\0';
  char *b = basename (copy);
  char *dot = strchr (b, '.');
  if (dot && dot != b)
    *dot = '\0';
  for (char *p = b; *p; p++)
    if (*p >= 'A' && *p <= 'Z')
      *p = (char) (*p + 32);
  return xstrdup (*b && strcmp (b, "/") != 0 ? b : "image");
}

int
pp_image_record (pp_store_t *store, const char *source, const char *manifest_digest, const pp_manifest_t *manifest,
                 const char *name, pp_load_result_t *result, pp_error_t *err)
{
  import_t im = { .store = store, .blobs_fd = store->blobs_fd, .source = source, .result = result };
  return record_image (&im, manifest_digest, manifest, name, err);
}

int
pp_image_load (pp_context_t *ctx, pp_store_t *store, const char *input, pp_load_result_t *result, pp_error_t *err)
{
  memset (result, 0, sizeof *result);
  if (pp_ondemand_need (PP_LIB_ARCHIVE, err) < 0 || pp_ondemand_need (PP_LIB_CRYPTO, err) < 0)
    return -1;
  cleanup_free char *path = NULL;
  cleanup_free char *tag = NULL;
  if (strncmp (input, "oci:", 4) == 0)
    {
      path = xstrdup (input + 4);
      char *colon = strrchr (path, ':');
      if (colon && !strchr (colon, '/'))
        {
          tag = xstrdup (colon + 1);
          *colon = '\0';
        }
    }
  else if (strncmp (input, "oci-archive:", 12) == 0 || strncmp (input, "docker-archive:", 15) == 0)
    path = xstrdup (strchr (input, ':') + 1);
  else
    path = xstrdup (input);

  cleanup_close int gc = pp_store_lock_gc (store, false, err);
  if (gc < 0)
    return -1;
  cleanup_free char *repo = base_repo (strcmp (path, "-") == 0 ? "image" : path);
  import_t im = { .ctx = ctx, .store = store, .source = input, .default_repo = repo, .result = result };
  cleanup_free char *stdin_copy = NULL;
  cleanup_free char *tmpdir = NULL;
  int ret = 0;
  struct stat st;
  if (strcmp (path, "-") == 0)
    ret = copy_stdin (store, &stdin_copy, err);
  if (ret == 0 && stdin_copy == NULL && stat (path, &st) < 0)
    ret = pp_error_make (err, errno, "load `%s`", path);
  if (ret == 0 && stdin_copy == NULL && S_ISDIR (st.st_mode))
    {
      cleanup_close int dfd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      ret = dfd < 0 ? pp_error_make (err, errno, "open `%s`", path) : import_layout (&im, dfd, tag, err);
    }
  else if (ret == 0)
    {
      cleanup_close int fd = stdin_copy ? openat (store->tmp_fd, stdin_copy, O_RDONLY | O_CLOEXEC)
                                        : open (path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        ret = pp_error_make (err, errno, "open `%s`", path);
      else
        ret = extract_archive (store, fd, input, &tmpdir, err);
      cleanup_close int dfd = ret == 0 ? openat (store->tmp_fd, tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
      if (ret == 0 && faccessat (dfd, "oci-layout", F_OK, 0) == 0)
        ret = import_layout (&im, dfd, tag, err);
      else if (ret == 0 && faccessat (dfd, "manifest.json", F_OK, 0) == 0)
        ret = import_docker_archive (&im, dfd, err);
      else if (ret == 0)
        ret = pp_error_make (err, 0, "`%s` is neither an OCI layout, an oci-archive nor a docker-archive", input);
    }
  if (tmpdir)
    pp_remove_tree (store->tmp_fd, tmpdir);
  if (stdin_copy)
    unlinkat (store->tmp_fd, stdin_copy, 0);
  if (ret < 0)
    {
      /* Blobs of a failed load were verified but belong to no image: they go, so nothing of it stays. */
      close (pp_steal_fd (&gc));
      pp_error_t ignore = NULL;
      pp_store_gc (store, &ignore);
      pp_error_release (&ignore);
    }
  return ret;
}
