/* Manifests, indexes and configs as they come from a registry or an archive, checked field by field once, so that
   a pull or a load only ever walks descriptors whose digests and sizes are sound. */
#include "image/manifest.h"
#include "image/digest.h"

#include <string.h>
#include <sys/utsname.h>

#define REF_NAME "org.opencontainers.image.ref.name"

static const char *const layer_types[] = {
  PP_MT_OCI_LAYER,
  PP_MT_OCI_LAYER "+gzip",
  PP_MT_OCI_LAYER "+zstd",
  "application/vnd.docker.image.rootfs.diff.tar.gzip",
  "application/vnd.docker.image.rootfs.diff.tar",
};

static json_t *
load_object (const void *data, size_t len, const char *what, pp_error_t *err)
{
  if (len > PP_MANIFEST_MAX)
    {
      pp_error_make (err, 0, "%s is larger than %zu bytes", what, PP_MANIFEST_MAX);
      return NULL;
    }
  json_error_t jerr;
  json_t *j = json_loadb (data, len, JSON_REJECT_DUPLICATES, &jerr);
  if (j == NULL)
    pp_error_make (err, 0, "%s is not valid JSON at %d:%d: %s", what, jerr.line, jerr.column, jerr.text);
  else if (!json_is_object (j))
    {
      json_decref (j);
      j = NULL;
      pp_error_make (err, 0, "%s is not a JSON object", what);
    }
  return j;
}

/* The string at `key` of `o` into *out (NULL when absent or null); false when it is there but not a string. */
static bool
opt_string (json_t *o, const char *key, char **out)
{
  json_t *v = json_object_get (o, key);
  *out = json_is_string (v) ? xstrdup (json_string_value (v)) : NULL;
  return v == NULL || json_is_null (v) || json_is_string (v);
}

/* An object or nothing at `key`. */
static bool
opt_object (json_t *o, const char *key, json_t **out)
{
  *out = json_object_get (o, key);
  if (json_is_null (*out))
    *out = NULL;
  return *out == NULL || json_is_object (*out);
}

static void
descriptor_release (pp_descriptor_t *d)
{
  free (d->media_type);
  free (d->digest);
  free (d->os);
  free (d->arch);
  free (d->variant);
  free (d->ref_name);
  memset (d, 0, sizeof *d);
}

/* A descriptor at `where` (a field path such as "layers[1]"); *d is filled as far as it is sound. */
static int
parse_descriptor (json_t *j, const char *where, pp_descriptor_t *d, pp_error_t *err)
{
  json_t *size = json_object_get (j, "size"), *platform, *annotations;
  if (!json_is_object (j))
    return pp_error_make (err, 0, "%s is not an object", where);
  if (!opt_string (j, "mediaType", &d->media_type))
    return pp_error_make (err, 0, "%s.mediaType is not a string", where);
  if (!opt_string (j, "digest", &d->digest) || !pp_digest_valid (d->digest, NULL))
    return pp_error_make (err, 0, "%s.digest is not a sha256 digest", where);
  if (!json_is_integer (size) || json_integer_value (size) < 0)
    return pp_error_make (err, 0, "%s.size is not a size in bytes", where);
  d->size = json_integer_value (size);
  if (!opt_object (j, "platform", &platform) || !opt_string (platform, "os", &d->os)
      || !opt_string (platform, "architecture", &d->arch) || !opt_string (platform, "variant", &d->variant))
    return pp_error_make (err, 0, "%s.platform is not an object of strings", where);
  if (!opt_object (j, "annotations", &annotations) || !opt_string (annotations, REF_NAME, &d->ref_name))
    return pp_error_make (err, 0, "%s.annotations is not an object of strings", where);
  return 0;
}

/* The array at `key` as descriptors; `required` when it must be there. */
static int
parse_descriptors (json_t *o, const char *key, bool required, pp_descriptor_t **out, size_t *n, pp_error_t *err)
{
  json_t *a = json_object_get (o, key);
  if (a == NULL && !required)
    return 0;
  if (!json_is_array (a))
    return pp_error_make (err, 0, "%s is not a list", key);
  *out = xzalloc ((json_array_size (a) + 1) * sizeof **out);
  for (*n = 0; *n < json_array_size (a); (*n)++)
    {
      cleanup_free char *where = xasprintf ("%s[%zu]", key, *n);
      if (parse_descriptor (json_array_get (a, *n), where, &(*out)[*n], err) < 0)
        {
          (*n)++; /* released with the others */
          return -1;
        }
    }
  return 0;
}

static bool
known_layer_type (const char *mt)
{
  for (size_t i = 0; mt && i < PP_N_ELEMENTS (layer_types); i++)
    if (strcmp (mt, layer_types[i]) == 0)
      return true;
  return false;
}

/* What the manifest is, by its media type, else by its shape (an OCI index may leave mediaType out). */
static int
manifest_kind (json_t *j, const char *type, pp_manifest_kind_t *kind, pp_error_t *err)
{
  if (type == NULL)
    *kind = json_object_get (j, "manifests") ? PP_MANIFEST_INDEX : PP_MANIFEST_IMAGE;
  else if (strcmp (type, PP_MT_OCI_INDEX) == 0 || strcmp (type, PP_MT_DOCKER_LIST) == 0)
    *kind = PP_MANIFEST_INDEX;
  else if (strcmp (type, PP_MT_OCI_MANIFEST) == 0 || strcmp (type, PP_MT_DOCKER_MANIFEST) == 0)
    *kind = PP_MANIFEST_IMAGE;
  else
    return pp_error_make (err, 0, "unknown media type `%s`", type);
  return 0;
}

static int
parse_image (json_t *j, pp_manifest_t *m, pp_error_t *err)
{
  if (parse_descriptor (json_object_get (j, "config"), "config", &m->config, err) < 0
      || parse_descriptors (j, "layers", true, &m->layers, &m->n_layers, err) < 0)
    return -1;
  for (size_t i = 0; i < m->n_layers; i++)
    if (!known_layer_type (m->layers[i].media_type))
      return pp_error_make (err, 0, "layers[%zu] has an unknown media type `%s`", i,
                            m->layers[i].media_type ? m->layers[i].media_type : "");
  return 0;
}

int
pp_manifest_parse (const void *data, size_t len, const char *descriptor_type, pp_manifest_t *m, pp_error_t *err)
{
  memset (m, 0, sizeof *m);
  json_t *j = load_object (data, len, "the manifest", err);
  if (j == NULL)
    return -1;
  int ret = 0;
  if (!opt_string (j, "mediaType", &m->media_type))
    ret = pp_error_make (err, 0, "mediaType is not a string");
  else if (m->media_type == NULL && descriptor_type)
    m->media_type = xstrdup (descriptor_type);
  if (ret == 0)
    ret = manifest_kind (j, m->media_type, &m->kind, err);
  if (ret == 0)
    ret = m->kind == PP_MANIFEST_INDEX ? parse_descriptors (j, "manifests", true, &m->manifests, &m->n_manifests, err)
                                       : parse_image (j, m, err);
  json_decref (j);
  if (ret < 0)
    pp_manifest_release (m);
  return ret;
}

void
pp_manifest_release (pp_manifest_t *m)
{
  free (m->media_type);
  descriptor_release (&m->config);
  for (size_t i = 0; i < m->n_layers; i++)
    descriptor_release (&m->layers[i]);
  free (m->layers);
  for (size_t i = 0; i < m->n_manifests; i++)
    descriptor_release (&m->manifests[i]);
  free (m->manifests);
  memset (m, 0, sizeof *m);
}

/* Whether `v` is absent, null, or a list of strings. */
static bool
string_list (json_t *v)
{
  size_t i;
  json_t *s;
  if (v == NULL || json_is_null (v))
    return true;
  if (!json_is_array (v))
    return false;
  json_array_foreach (v, i, s)
  {
    if (!json_is_string (s))
      return false;
  }
  return true;
}

/* Whether the container part of a config holds what play takes from it with the types the image spec gives them;
 *field names the first that does not. */
static bool
container_config_ok (json_t *cfg, const char **field, const char **type)
{
  static const char *const strings[] = { "User", "WorkingDir" };
  static const char *const lists[] = { "Env", "Entrypoint", "Cmd" };
  for (size_t i = 0; i < PP_N_ELEMENTS (strings); i++)
    {
      cleanup_free char *ignored = NULL;
      if (!opt_string (cfg, strings[i], &ignored))
        return *field = strings[i], *type = "a string", false;
    }
  for (size_t i = 0; i < PP_N_ELEMENTS (lists); i++)
    if (!string_list (json_object_get (cfg, lists[i])))
      return *field = lists[i], *type = "a list of strings", false;
  return true;
}

/* The index of the first diff_id that is not a digest, or -1. */
static ssize_t
bad_diff_id (json_t *diff_ids)
{
  for (size_t i = 0; i < json_array_size (diff_ids); i++)
    if (!pp_digest_valid (json_string_value (json_array_get (diff_ids, i)), NULL))
      return (ssize_t)i;
  return -1;
}

json_t *
pp_image_config_parse (const void *data, size_t len, size_t n_layers, pp_error_t *err)
{
  json_t *j = load_object (data, len, "the image config", err), *rootfs, *cfg;
  if (j == NULL)
    return NULL;
  json_t *diff_ids = json_object_get (json_object_get (j, "rootfs"), "diff_ids");
  const char *field = NULL, *type = NULL;
  ssize_t bad;
  if (!opt_object (j, "rootfs", &rootfs) || !json_is_array (diff_ids))
    pp_error_make (err, 0, "the image config has no rootfs.diff_ids list");
  else if (json_array_size (diff_ids) != n_layers)
    pp_error_make (err, 0, "the manifest has %zu layers, its config %zu diff_ids", n_layers,
                   json_array_size (diff_ids));
  else if ((bad = bad_diff_id (diff_ids)) >= 0)
    pp_error_make (err, 0, "the image config's rootfs.diff_ids[%zd] is not a sha256 digest", bad);
  else if (!opt_object (j, "config", &cfg))
    pp_error_make (err, 0, "the image config's config is not an object");
  else if (cfg && !container_config_ok (cfg, &field, &type))
    pp_error_make (err, 0, "the image config's config.%s is not %s", field, type);
  else
    return j;
  json_decref (j);
  return NULL;
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
pp_platform_host (char *arch, size_t arch_size, char *variant, size_t variant_size)
{
  struct utsname u;
  const char *a = "amd64", *v = "";
  if (uname (&u) == 0)
    pp_platform_of_machine (u.machine, &a, &v);
  snprintf (arch, arch_size, "%s", a);
  snprintf (variant, variant_size, "%s", v);
}

void
pp_platform_describe (const pp_descriptor_t *d, pp_buf_t *list)
{
  pp_buf_printf (list, "%s%s/%s%s%s", list->len ? ", " : "", d->os ? d->os : "?", d->arch ? d->arch : "?",
                 d->variant ? "/" : "", d->variant ? d->variant : "");
}

bool
pp_platform_matches (const pp_descriptor_t *d, const char *os, const char *arch, const char *variant,
                     bool exact_variant)
{
  if (d->os == NULL || d->arch == NULL || strcmp (d->os, os) != 0 || strcmp (d->arch, arch) != 0)
    return false;
  if (*variant == '\0')
    return true;
  return d->variant ? strcmp (d->variant, variant) == 0 : !exact_variant;
}
