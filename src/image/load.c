/* `podplay load`: images from OCI layouts, oci-archives and docker-archives into the store, every byte verified. */
#include "image/load.h"
#include "image/digest.h"
#include "image/ref.h"
#include "image/unpack.h"

#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define REF_NAME "org.opencontainers.image.ref.name"

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

void
pp_platform_of_machine (const char *machine, const char **arch, const char **variant)
{
  static const struct
  {
    const char *machine, *arch, *variant;
  } names[] = {
    { "x86_64", "amd64", "" },
    { "amd64", "amd64", "" },
    { "i386", "386", "" },
    { "i486", "386", "" },
    { "i586", "386", "" },
    { "i686", "386", "" },
    { "aarch64", "arm64", "" },
    { "arm64", "arm64", "" },
    { "armv8l", "arm", "v7" },
    { "armv7l", "arm", "v7" },
    { "armv7", "arm", "v7" },
    { "armv6l", "arm", "v6" },
    { "armv5tel", "arm", "v5" },
    { "armv5tejl", "arm", "v5" },
    { "ppc64le", "ppc64le", "" },
    { "ppc64", "ppc64", "" },
    { "s390x", "s390x", "" },
    { "riscv64", "riscv64", "" },
    { "loongarch64", "loong64", "" },
    { "mips64", "mips64", "" },
  };
  for (size_t i = 0; i < PP_N_ELEMENTS (names); i++)
    if (strcmp (machine, names[i].machine) == 0)
      {
        *arch = names[i].arch;
        *variant = names[i].variant;
        return;
      }
  *arch = machine;
  *variant = "";
}

void
pp_platform_describe (json_t *platform, pp_buf_t *list)
{
  const char *os = json_string_value (json_object_get (platform, "os"));
  const char *arch = json_string_value (json_object_get (platform, "architecture"));
  const char *variant = json_string_value (json_object_get (platform, "variant"));
  pp_buf_printf (list, "%s%s/%s%s%s", list->len ? ", " : "", os ? os : "?", arch ? arch : "?", variant ? "/" : "",
                 variant ? variant : "");
}

bool
pp_platform_matches (json_t *platform, const char *os, const char *arch, const char *variant, bool exact_variant)
{
  const char *mos = json_string_value (json_object_get (platform, "os"));
  const char *march = json_string_value (json_object_get (platform, "architecture"));
  const char *mvar = json_string_value (json_object_get (platform, "variant"));
  if (mos == NULL || march == NULL || strcmp (mos, os) != 0 || strcmp (march, arch) != 0)
    return false;
  if (*variant == '\0')
    return true;
  return mvar ? strcmp (mvar, variant) == 0 : !exact_variant;
}

static json_t *
read_json_at (int dirfd, const char *name, const char *source, pp_error_t *err)
{
  cleanup_close int fd = openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      pp_error_make (err, errno, "%s: `%s`", source, name);
      return NULL;
    }
  json_error_t jerr;
  json_t *j = json_loadfd (fd, JSON_REJECT_DUPLICATES, &jerr);
  if (j == NULL)
    pp_error_make (err, 0, "%s: `%s`: invalid JSON at %d:%d: %s", source, name, jerr.line, jerr.column, jerr.text);
  return j;
}

/* Copies the blob `digest` from the source into the store, checked against its digest and size. */
static int
copy_blob (import_t *im, const char *digest, int64_t size, pp_error_t *err)
{
  const char *hex;
  if (!pp_digest_valid (digest, &hex))
    return pp_error_make (err, 0, "%s: invalid digest `%s`", im->source, digest ? digest : "(none)");
  cleanup_close int fd = openat (im->blobs_fd, hex, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return pp_error_make (err, errno, "%s: blob %s", im->source, digest);
  if (pp_store_put_blob (im->store, fd, digest, size, err) < 0)
    return pp_error_wrap (err, "%s", im->source);
  return 0;
}

static bool
known_layer_type (const char *mt)
{
  static const char *const types[] = {
    MT_OCI_LAYER,
    MT_OCI_LAYER "+gzip",
    MT_OCI_LAYER "+zstd",
    "application/vnd.docker.image.rootfs.diff.tar.gzip",
    "application/vnd.docker.image.rootfs.diff.tar",
  };
  for (size_t i = 0; i < PP_N_ELEMENTS (types); i++)
    if (strcmp (mt, types[i]) == 0)
      return true;
  return false;
}

/* Stores the layers and the record of one image whose manifest and config blobs are in the store already. */
static int
record_image (import_t *im, const char *manifest_digest, json_t *manifest, const char *name, pp_error_t *err)
{
  json_t *cdesc = json_object_get (manifest, "config");
  const char *cdigest = json_string_value (json_object_get (cdesc, "digest"));
  if (copy_blob (im, cdigest, json_integer_value (json_object_get (cdesc, "size")), err) < 0)
    return -1;
  json_t *config = pp_store_read_json (im->store, cdigest, err);
  if (config == NULL)
    return -1;
  json_t *layers = json_object_get (manifest, "layers");
  json_t *diff_ids = json_object_get (json_object_get (config, "rootfs"), "diff_ids");
  size_t n = json_array_size (layers);
  pp_image_t image = { .id = xstrdup (cdigest + 7), .digest = xstrdup (manifest_digest), .config = config };
  int ret = 0;
  if (n != json_array_size (diff_ids))
    ret = pp_error_make (err, 0, "%s: the manifest has %zu layers, its config %zu diff_ids", im->source, n,
                         json_array_size (diff_ids));
  image.layers = xzalloc ((n + 1) * sizeof (pp_layer_t));
  image.size = json_integer_value (json_object_get (cdesc, "size"));
  for (size_t i = 0; ret == 0 && i < n; i++)
    {
      json_t *l = json_array_get (layers, i);
      const char *digest = json_string_value (json_object_get (l, "digest"));
      const char *mt = json_string_value (json_object_get (l, "mediaType"));
      int64_t size = json_integer_value (json_object_get (l, "size"));
      const char *diff_id = json_string_value (json_array_get (diff_ids, i));
      if (mt == NULL || !known_layer_type (mt))
        ret = pp_error_make (err, 0, "%s: layer %zu has an unknown media type `%s`", im->source, i, mt ? mt : "");
      else if (copy_blob (im, digest, size, err) < 0)
        ret = -1;
      else if (pp_store_unpack_layer (im->store, digest, diff_id, err) < 0)
        ret = pp_error_wrap (err, "%s", im->source);
      else
        {
          image.layers[image.n_layers++] = (pp_layer_t){ .digest = xstrdup (digest), .diff_id = xstrdup (diff_id),
                                                         .media_type = xstrdup (mt), .size = size };
          image.size += size;
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

static int import_descriptor (import_t *im, json_t *desc, const char *name, pp_error_t *err);

/* An index or manifest list: the manifest for this machine's platform. */
static int
import_index (import_t *im, const char *digest, const char *name, pp_error_t *err)
{
  json_t *index = pp_store_read_json (im->store, digest, err);
  if (index == NULL)
    return -1;
  struct utsname u;
  const char *arch = "amd64", *variant = "";
  if (uname (&u) == 0)
    pp_platform_of_machine (u.machine, &arch, &variant);
  json_t *manifests = json_object_get (index, "manifests"), *m;
  size_t i;
  int ret = 1;
  pp_buf_t have = { 0 };
  json_array_foreach (manifests, i, m)
  {
    json_t *p = json_object_get (m, "platform");
    pp_platform_describe (p, &have);
    if (ret == 1 && pp_platform_matches (p, "linux", arch, variant, false))
      ret = import_descriptor (im, m, name, err);
  }
  if (ret == 1)
    ret = pp_error_make (err, 0, "%s: image %s has no linux/%s%s%s variant (it has %s)", im->source, digest, arch,
                         *variant ? "/" : "", variant, have.len ? have.data : "none");
  pp_buf_free (&have);
  json_decref (index);
  return ret;
}

pp_manifest_kind_t
pp_manifest_kind (json_t *manifest, const char *descriptor_type, const char **type)
{
  const char *own = json_string_value (json_object_get (manifest, "mediaType"));
  const char *t = own ? own : descriptor_type;
  *type = t ? t : "(none)";
  if (t == NULL)
    return json_object_get (manifest, "manifests") ? PP_MANIFEST_INDEX : PP_MANIFEST_IMAGE;
  if (strcmp (t, MT_OCI_INDEX) == 0 || strcmp (t, MT_DOCKER_LIST) == 0)
    return PP_MANIFEST_INDEX;
  if (strcmp (t, MT_OCI_MANIFEST) == 0 || strcmp (t, MT_DOCKER_MANIFEST) == 0)
    return PP_MANIFEST_IMAGE;
  return PP_MANIFEST_UNKNOWN;
}

static int
import_descriptor (import_t *im, json_t *desc, const char *name, pp_error_t *err)
{
  const char *digest = json_string_value (json_object_get (desc, "digest"));
  const char *mt = json_string_value (json_object_get (desc, "mediaType"));
  if (copy_blob (im, digest, json_integer_value (json_object_get (desc, "size")), err) < 0)
    return -1;
  if (mt && (strcmp (mt, MT_OCI_INDEX) == 0 || strcmp (mt, MT_DOCKER_LIST) == 0))
    return import_index (im, digest, name, err);
  json_t *manifest = pp_store_read_json (im->store, digest, err);
  if (manifest == NULL)
    return -1;
  const char *type;
  int ret;
  switch (pp_manifest_kind (manifest, mt, &type))
    {
    case PP_MANIFEST_INDEX:
      ret = import_index (im, digest, name, err);
      break;
    case PP_MANIFEST_IMAGE:
      ret = record_image (im, digest, manifest, name, err);
      break;
    default:
      ret = pp_error_make (err, 0, "%s: manifest %s has an unknown media type `%s`", im->source, digest, type);
    }
  json_decref (manifest);
  return ret;
}

static int
import_layout (import_t *im, int dirfd, const char *tag, pp_error_t *err)
{
  json_t *layout = read_json_at (dirfd, "oci-layout", im->source, err);
  if (layout == NULL)
    return pp_error_wrap (err, "not an OCI layout");
  json_decref (layout);
  json_t *index = read_json_at (dirfd, "index.json", im->source, err);
  if (index == NULL)
    return -1;
  cleanup_close int blobs = openat (dirfd, "blobs/sha256", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  im->blobs_fd = blobs;
  int ret = 0;
  size_t loaded = 0, i;
  json_t *m;
  if (blobs < 0)
    ret = pp_error_make (err, errno, "%s: blobs/sha256", im->source);
  json_array_foreach (json_object_get (index, "manifests"), i, m)
  {
    if (ret < 0)
      break;
    const char *ref = json_string_value (json_object_get (json_object_get (m, "annotations"), REF_NAME));
    if (tag && (ref == NULL || strcmp (ref, tag) != 0))
      continue;
    cleanup_free char *name = image_name (im, ref, err);
    if (ref && name == NULL)
      ret = -1;
    else
      ret = import_descriptor (im, m, name, err);
    loaded++;
  }
  if (ret == 0 && loaded == 0)
    ret = pp_error_make (err, 0, "%s: no image%s%s in the layout", im->source, tag ? " tagged " : "", tag ? tag : "");
  json_decref (index);
  return ret;
}

/* docker save's format: manifest.json names each image's config, tags and layer tars. */
static int
import_docker_archive (import_t *im, int dirfd, pp_error_t *err)
{
  json_t *list = read_json_at (dirfd, "manifest.json", im->source, err);
  if (list == NULL)
    return -1;
  size_t i;
  json_t *entry;
  int ret = 0;
  json_array_foreach (list, i, entry)
  {
    if (ret < 0)
      break;
    const char *cfg = json_string_value (json_object_get (entry, "Config"));
    json_t *layers = json_object_get (entry, "Layers");
    char cdigest[72];
    if (cfg == NULL || pp_digest_file (dirfd, cfg, cdigest, err) < 0)
      {
        ret = cfg ? -1 : pp_error_make (err, 0, "%s: manifest.json entry %zu has no Config", im->source, i);
        break;
      }
    cleanup_close int cfd = openat (dirfd, cfg, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (cfd < 0 || fstat (cfd, &st) < 0 || pp_store_put_blob (im->store, cfd, cdigest, -1, err) < 0)
      {
        ret = pp_error_make (err, errno, "%s: config `%s`", im->source, cfg);
        break;
      }
    json_t *ldescs = json_array ();
    size_t j;
    json_t *l;
    json_array_foreach (layers, j, l)
    {
      const char *path = json_string_value (l);
      char ldigest[72];
      cleanup_close int lfd = path ? openat (dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
      if (lfd < 0 || fstat (lfd, &st) < 0 || pp_digest_file (dirfd, path, ldigest, err) < 0
          || pp_store_put_blob (im->store, lfd, ldigest, st.st_size, err) < 0)
        {
          ret = pp_error_make (err, errno, "%s: layer `%s`", im->source, path ? path : "(none)");
          break;
        }
      json_array_append_new (ldescs, json_pack ("{s:s, s:s, s:I}", "mediaType", MT_OCI_LAYER, "digest", ldigest,
                                                "size", (json_int_t) st.st_size));
    }
    /* The image gets an OCI manifest of its own, so that it can be pushed and inspected like any other. */
    json_t *manifest = json_pack ("{s:i, s:s, s:{s:s, s:s, s:I}, s:o}", "schemaVersion", 2, "mediaType",
                                  MT_OCI_MANIFEST, "config", "mediaType", "application/vnd.oci.image.config.v1+json",
                                  "digest", cdigest, "size", (json_int_t) 0, "layers", ldescs);
    cleanup_close int cfd2 = openat (dirfd, cfg, O_RDONLY | O_CLOEXEC);
    if (cfd2 >= 0 && fstat (cfd2, &st) == 0)
      json_object_set_new (json_object_get (manifest, "config"), "size", json_integer (st.st_size));
    cleanup_free char *text = json_dumps (manifest, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char mdigest[72];
    json_t *tags = json_object_get (entry, "RepoTags");
    if (ret == 0 && pp_store_put_bytes (im->store, text, strlen (text), mdigest, err) == 0)
      {
        /* The blobs are in the store already: record_image reads them from there. */
        int saved = im->blobs_fd;
        im->blobs_fd = im->store->blobs_fd;
        size_t t;
        json_t *tag;
        if (json_array_size (tags) == 0)
          ret = record_image (im, mdigest, manifest, NULL, err);
        json_array_foreach (tags, t, tag)
        {
          pp_ref_t ref;
          if (ret < 0 || pp_ref_parse (json_string_value (tag) ?: "", &ref, err) < 0)
            {
              ret = -1;
              break;
            }
          cleanup_free char *name = pp_ref_string (&ref);
          pp_ref_release (&ref);
          ret = record_image (im, mdigest, manifest, name, err);
        }
        im->blobs_fd = saved;
      }
    else if (ret == 0)
      ret = -1;
    json_decref (manifest);
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
pp_image_record (pp_store_t *store, const char *source, const char *manifest_digest, json_t *manifest,
                 const char *name, pp_load_result_t *result, pp_error_t *err)
{
  import_t im = { .store = store, .blobs_fd = store->blobs_fd, .source = source, .result = result };
  return record_image (&im, manifest_digest, manifest, name, err);
}

int
pp_image_load (pp_context_t *ctx, pp_store_t *store, const char *input, pp_load_result_t *result, pp_error_t *err)
{
  memset (result, 0, sizeof *result);
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
