/* libFuzzer target: arbitrary bytes as an image manifest, an index and an image config, as a registry or an archive
   hands them to pull and load, and the config on to what a container's command is made of. */
#include "image/digest.h"
#include "image/manifest.h"
#include "runtime/bundle.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *const types[] = {
  NULL, PP_MT_OCI_INDEX, PP_MT_OCI_MANIFEST, PP_MT_DOCKER_LIST, PP_MT_DOCKER_MANIFEST, "application/x-unknown",
};

/* What the parser promises of every descriptor it hands out. */
static void
check_descriptor (const pp_descriptor_t *d)
{
  if (!pp_digest_valid (d->digest, NULL) || d->size < 0)
    abort ();
}

/* Parses the bytes as a manifest of each type; the number of layers of an image manifest it found. */
static size_t
fuzz_manifest (const uint8_t *data, size_t size)
{
  size_t n_layers = 0;
  for (size_t t = 0; t < PP_N_ELEMENTS (types); t++)
    {
      pp_manifest_t m;
      pp_error_t err = NULL;
      if (pp_manifest_parse (data, size, types[t], &m, &err) < 0)
        {
          if (err == NULL || err->msg == NULL || m.layers || m.manifests || m.config.digest)
            abort ();
          pp_error_release (&err);
          continue;
        }
      if (m.kind == PP_MANIFEST_IMAGE)
        {
          check_descriptor (&m.config);
          for (size_t i = 0; i < m.n_layers; i++)
            {
              check_descriptor (&m.layers[i]);
              if (m.layers[i].media_type == NULL)
                abort ();
            }
          n_layers = m.n_layers;
        }
      else
        for (size_t i = 0; i < m.n_manifests; i++)
          check_descriptor (&m.manifests[i]);
      pp_manifest_release (&m);
    }
  return n_layers;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  size_t n_layers = fuzz_manifest (data, size);
  pp_error_t err = NULL;
  json_t *config = pp_image_config_parse (data, size, n_layers, &err);
  if (config == NULL)
    {
      if (err == NULL || err->msg == NULL)
        abort ();
      pp_error_release (&err);
      return 0;
    }
  json_t *diff_ids = json_object_get (json_object_get (config, "rootfs"), "diff_ids");
  if (json_array_size (diff_ids) != n_layers)
    abort ();
  for (size_t i = 0; i < n_layers; i++)
    if (!pp_digest_valid (json_string_value (json_array_get (diff_ids, i)), NULL))
      abort ();
  /* What play makes of a config it took: the container's command, with and without Kubernetes' own. */
  static const char *const args[] = { "a", NULL };
  char **argv = pp_bundle_args (config, NULL, size & 1 ? args : NULL, &err);
  for (size_t i = 0; argv && argv[i]; i++)
    if (strlen (argv[i]) > size)
      abort ();
  pp_strv_free (argv);
  pp_error_release (&err);
  json_decref (config);
  return 0;
}
