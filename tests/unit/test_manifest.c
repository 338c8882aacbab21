/* src/image/manifest: manifests, indexes and configs are checked field by field before a pull or a load walks them. */
#include "unit.h"

#include "image/manifest.h"

#include <string.h>

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define LAYER "\"application/vnd.oci.image.layer.v1.tar+gzip\""

/* Parses `text`; the error message, or "" when it parses (m then holds it, to release). */
static const char *
parse (const char *text, const char *type, pp_manifest_t *m)
{
  static char msg[512];
  pp_error_t err = NULL;
  int ret = pp_manifest_parse (text, strlen (text), type, m, &err);
  snprintf (msg, sizeof msg, "%s", err ? err->msg : "");
  assert_int_equal (ret, err ? -1 : 0);
  pp_error_release (&err);
  return msg;
}

static void
test_image_manifest (void **state)
{
  (void)state;
  pp_manifest_t m;
  assert_string_equal (parse ("{\"schemaVersion\":2,\"mediaType\":\"" PP_MT_OCI_MANIFEST "\","
                              "\"config\":{\"mediaType\":\"x\",\"digest\":\"" D1 "\",\"size\":12},"
                              "\"layers\":[{\"mediaType\":" LAYER ",\"digest\":\"" D2 "\",\"size\":34}]}",
                              NULL, &m),
                       "");
  assert_int_equal (m.kind, PP_MANIFEST_IMAGE);
  assert_string_equal (m.config.digest, D1);
  assert_int_equal (m.config.size, 12);
  assert_int_equal (m.n_layers, 1);
  assert_string_equal (m.layers[0].digest, D2);
  assert_int_equal (m.layers[0].size, 34);
  pp_manifest_release (&m);
  /* Docker's v2 manifest, its type from the descriptor. */
  assert_string_equal (
      parse ("{\"config\":{\"digest\":\"" D1 "\",\"size\":0},\"layers\":[]}", PP_MT_DOCKER_MANIFEST, &m), "");
  assert_int_equal (m.kind, PP_MANIFEST_IMAGE);
  assert_string_equal (m.media_type, PP_MT_DOCKER_MANIFEST);
  pp_manifest_release (&m);
}

static void
test_index (void **state)
{
  (void)state;
  pp_manifest_t m;
  /* A layout's index.json may leave its mediaType out: it is an index by its shape. */
  assert_string_equal (parse ("{\"manifests\":[{\"digest\":\"" D1 "\",\"size\":1,\"annotations\":"
                              "{\"org.opencontainers.image.ref.name\":\"latest\"}},"
                              "{\"mediaType\":\"" PP_MT_OCI_MANIFEST "\",\"digest\":\"" D2 "\",\"size\":2,"
                              "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}}]}",
                              NULL, &m),
                       "");
  assert_int_equal (m.kind, PP_MANIFEST_INDEX);
  assert_int_equal (m.n_manifests, 2);
  assert_string_equal (m.manifests[0].ref_name, "latest");
  assert_null (m.manifests[0].os);
  assert_string_equal (m.manifests[1].arch, "arm64");
  assert_string_equal (m.manifests[1].variant, "v8");
  assert_string_equal (m.manifests[1].media_type, PP_MT_OCI_MANIFEST);
  pp_manifest_release (&m);
}

/* Each flaw is named by its field, and nothing of a refused manifest is kept. */
static void
test_refused (void **state)
{
  (void)state;
  static const struct
  {
    const char *text, *msg;
  } cases[] = {
    { "", "the manifest is not valid JSON at 1:0: '[' or '{' expected near end of file" },
    { "[1]", "the manifest is not a JSON object" },
    { "{\"a\":1,\"a\":2}", "the manifest is not valid JSON at 1:10: duplicate object key near '\"a\"'" },
    { "{\"mediaType\":7}", "mediaType is not a string" },
    { "{\"mediaType\":\"text/plain\"}", "unknown media type `text/plain`" },
    { "{\"layers\":[]}", "config is not an object" },
    { "{\"config\":{\"digest\":\"sha256:abc\",\"size\":1},\"layers\":[]}", "config.digest is not a sha256 digest" },
    { "{\"config\":{\"digest\":\"" D1 "\"},\"layers\":[]}", "config.size is not a size in bytes" },
    { "{\"config\":{\"digest\":\"" D1 "\",\"size\":1}}", "layers is not a list" },
    { "{\"config\":{\"digest\":\"" D1 "\",\"size\":1},\"layers\":[{\"mediaType\":" LAYER ",\"digest\":\"" D2
      "\",\"size\":1},{\"mediaType\":" LAYER ",\"digest\":\"" D2 "\",\"size\":-1}]}",
      "layers[1].size is not a size in bytes" },
    { "{\"config\":{\"digest\":\"" D1 "\",\"size\":1},\"layers\":[{\"mediaType\":\"x\",\"digest\":\"" D2
      "\",\"size\":1}]}",
      "layers[0] has an unknown media type `x`" },
    { "{\"config\":{\"digest\":\"" D1 "\",\"size\":1},\"layers\":[{\"digest\":\"" D2 "\",\"size\":1}]}",
      "layers[0] has an unknown media type ``" },
    { "{\"manifests\":{}}", "manifests is not a list" },
    { "{\"manifests\":[7]}", "manifests[0] is not an object" },
    { "{\"manifests\":[{\"digest\":\"" D1 "\",\"size\":1,\"platform\":{\"os\":1}}]}",
      "manifests[0].platform is not an object of strings" },
    { "{\"manifests\":[{\"digest\":\"" D1 "\",\"size\":1,\"annotations\":[]}]}",
      "manifests[0].annotations is not an object of strings" },
  };
  for (size_t i = 0; i < PP_N_ELEMENTS (cases); i++)
    {
      pp_manifest_t m;
      assert_string_equal (parse (cases[i].text, NULL, &m), cases[i].msg);
      assert_null (m.layers);
      assert_null (m.manifests);
      assert_null (m.config.digest);
    }
  /* Larger than any manifest. */
  size_t big = PP_MANIFEST_MAX + 1;
  char *text = xmalloc (big);
  memset (text, ' ', big);
  pp_manifest_t m;
  pp_error_t err = NULL;
  assert_int_equal (pp_manifest_parse (text, big, NULL, &m, &err), -1);
  assert_string_equal (err->msg, "the manifest is larger than 4194304 bytes");
  pp_error_release (&err);
  free (text);
}

static void
test_config (void **state)
{
  (void)state;
  static const char good[] = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\",\"" D2 "\"]},"
                             "\"config\":{\"User\":\"nobody\",\"Env\":[\"A=1\"],\"Cmd\":null,\"Entrypoint\":[\"sh\"]}}";
  pp_error_t err = NULL;
  json_t *c = pp_image_config_parse (good, strlen (good), 2, &err);
  assert_non_null (c);
  json_decref (c);
  static const struct
  {
    const char *text;
    size_t n;
    const char *msg;
  } cases[] = {
    { good, 1, "the manifest has 1 layers, its config 2 diff_ids" },
    { "{}", 0, "the image config has no rootfs.diff_ids list" },
    { "{\"rootfs\":{\"diff_ids\":[\"sha256:x\"]}}", 1, "the image config's rootfs.diff_ids[0] is not a sha256 digest" },
    { "{\"rootfs\":{\"diff_ids\":[]},\"config\":[]}", 0, "the image config's config is not an object" },
    { "{\"rootfs\":{\"diff_ids\":[]},\"config\":{\"User\":0}}", 0, "the image config's config.User is not a string" },
    { "{\"rootfs\":{\"diff_ids\":[]},\"config\":{\"Env\":\"A=1\"}}", 0,
      "the image config's config.Env is not a list of strings" },
    { "{\"rootfs\":{\"diff_ids\":[]},\"config\":{\"Cmd\":[\"sh\",1]}}", 0,
      "the image config's config.Cmd is not a list of strings" },
    { "nope", 0, "the image config is not valid JSON at 1:4: '[' or '{' expected near 'nope'" },
  };
  for (size_t i = 0; i < PP_N_ELEMENTS (cases); i++)
    {
      assert_null (pp_image_config_parse (cases[i].text, strlen (cases[i].text), cases[i].n, &err));
      assert_string_equal (err->msg, cases[i].msg);
      pp_error_release (&err);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_image_manifest),
    cmocka_unit_test (test_index),
    cmocka_unit_test (test_refused),
    cmocka_unit_test (test_config),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
