/* schema/emit: node trees as YAML that reads back to the same values, typed by the schema tables, the same bytes
   for the same object. */
#include "unit.h"
#include "schema/emit.h"
#include "schema/load.h"
#include "schema/manifest.h"
#include "schema/validate.h"

#include <dirent.h>
#include <string.h>

/* The first document of `yaml`, which must load (and validate, when `valid`) without error. */
static pp_doc_t *
load_one (const char *yaml, size_t len, bool valid)
{
  pp_diags_t diags = { 0 };
  pp_loader_t *l = pp_loader_new ("test.yaml", yaml, len, &diags);
  pp_doc_t *doc = NULL;
  assert_int_equal (pp_loader_next (l, &doc), 1);
  pp_loader_free (l);
  if (valid)
    pp_validate_doc (doc, &(pp_validate_opts_t){ 0 }, &diags);
  for (size_t i = 0; i < diags.n; i++)
    if (diags.v[i].severity == PP_DIAG_ERROR)
      {
        pp_diag_print (stderr, &diags.v[i]);
        fprintf (stderr, "in:\n%.*s\n", (int)len, yaml);
      }
  assert_int_equal (diags.errors, 0);
  pp_diags_free (&diags);
  return doc;
}

static const pp_type_t *
type_of (const pp_node_t *obj)
{
  const pp_kind_info_t *k = pp_kind_lookup (pp_node_str (pp_node_get (obj, "apiVersion")) ?: "",
                                            pp_node_str (pp_node_get (obj, "kind")) ?: "");
  return k ? k->type : NULL;
}

/* Strings that a plain scalar would turn into something else, or that YAML cannot hold plain. */
static void
test_strings_read_back (void **state)
{
  (void)state;
  static const char *const strings[] = {
    "",
    " lead",
    "trail ",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "~",
    "null",
    "NULL",
    "true",
    "123",
    "-17",
    "+5",
    "0x1F",
    "0o17",
    "0b101",
    "1e3",
    "1.5",
    ".5",
    "-.5",
    ".inf",
    "-.Inf",
    ".nan",
    "1_000",
    "-",
    "- a",
    "--",
    "---",
    "...",
    ":",
    "a: b",
    "a:",
    "a #b",
    "#a",
    "a#b",
    "?x",
    "? x",
    "@x",
    "`x",
    "'q'",
    "\"dq\"",
    "[a]",
    "{a}",
    "a, b",
    "*ref",
    "&anchor",
    "!tag",
    "|",
    ">",
    "%x",
    "<<",
    "=",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "1:20",
    "12:30:45",
    "multi\nline\n",
    "multi\nline",
    "multi\n\n",
    "multi\n\n\n",
    "  lead\nx",
    "x\n  indented\n",
    "x\n \ny",
    "tab\there",
    "\x01\x7f",
    "cr\r\nlf",
    "é and ü",
    "nel\xc2\x85",
    "ls\xe2\x80\xa8",
    "bom\xef\xbb\xbf",
    "back\\slash",
    "nginx:1.25",
    "127.0.0.1:5000/busybox",
    "http://x/y",
    "250m",
    "10Gi",
    "-foo",
    ".dockerconfigjson",
    "/path/to",
    "a  b",
    "a\tb",
    "\n",
    "\nlead newline",
  };
  for (size_t i = 0; i < PP_N_ELEMENTS (strings); i++)
    {
      const char *s = strings[i];
      pp_buf_t b = { 0 };
      pp_buf_puts (&b, "key: ");
      /* As a value of an untyped map (its tag decides), and as a key. */
      pp_arena_t a = { 0 };
      pp_node_t *m = pp_node_new_map (&a);
      pp_node_put (&a, m, "value", pp_node_new_str (&a, s));
      pp_node_put (&a, m, s, pp_node_new_str (&a, "k"));
      pp_buf_t y = { 0 };
      pp_emit_object (&y, m, NULL);
      pp_doc_t *doc = load_one (y.data, y.len, false);
      const pp_node_t *v = pp_node_get (doc->root, "value");
      assert_non_null (v);
      if (v->tag != PP_TAG_STR || v->len != strlen (s) || memcmp (v->u.str, s, v->len) != 0)
        fail_msg ("`%s` came back as `%s` (tag %d) from:\n%s", s, v->u.str, v->tag, y.data);
      assert_non_null (pp_node_get (doc->root, s));
      pp_doc_free (doc);
      pp_arena_free (&a);
      pp_buf_free (&y);
      pp_buf_free (&b);
    }
}

/* Each value as its field's type has it; keys sorted; kubectl's layout; a null object as {}. */
static void
test_typed (void **state)
{
  (void)state;
  static const char in[] = "apiVersion: apps/v1\n"
                           "kind: Deployment\n"
                           "metadata: {name: web, labels: {b: '1', a: x}}\n"
                           "spec:\n"
                           "  replicas: 0x0A\n"
                           "  selector: {matchLabels: {a: x}}\n"
                           "  template:\n"
                           "    metadata: {labels: {a: x}}\n"
                           "    spec:\n"
                           "      volumes: [{name: tmp, emptyDir: }]\n"
                           "      containers:\n"
                           "      - name: c\n"
                           "        image: busybox\n"
                           "        stdin: yes\n"
                           "        env: [{name: A, value: '007'}, {name: B, value: \"line1\\nline2\\n\"}]\n"
                           "        ports: [{containerPort: 80, hostPort: 8080}]\n"
                           "        resources: {limits: {cpu: 1, memory: 64Mi}, requests: {cpu: '0.5'}}\n"
                           "        readinessProbe: {httpGet: {port: http, path: /}}\n";
  pp_doc_t *doc = load_one (in, sizeof in - 1, true);
  pp_buf_t b = { 0 };
  pp_emit_object (&b, doc->root, type_of (doc->root));
  static const char want[] = "apiVersion: apps/v1\n"
                             "kind: Deployment\n"
                             "metadata:\n"
                             "  labels:\n"
                             "    a: x\n"
                             "    b: \"1\"\n"
                             "  name: web\n"
                             "spec:\n"
                             "  replicas: 10\n"
                             "  selector:\n"
                             "    matchLabels:\n"
                             "      a: x\n"
                             "  template:\n"
                             "    metadata:\n"
                             "      labels:\n"
                             "        a: x\n"
                             "    spec:\n"
                             "      containers:\n"
                             "      - env:\n"
                             "        - name: A\n"
                             "          value: \"007\"\n"
                             "        - name: B\n"
                             "          value: |\n"
                             "            line1\n"
                             "            line2\n"
                             "        image: busybox\n"
                             "        name: c\n"
                             "        ports:\n"
                             "        - containerPort: 80\n"
                             "          hostPort: 8080\n"
                             "        readinessProbe:\n"
                             "          httpGet:\n"
                             "            path: /\n"
                             "            port: http\n"
                             "        resources:\n"
                             "          limits:\n"
                             "            cpu: 1\n"
                             "            memory: 64Mi\n"
                             "          requests:\n"
                             "            cpu: \"0.5\"\n"
                             "        stdin: true\n"
                             "      volumes:\n"
                             "      - emptyDir: {}\n"
                             "        name: tmp\n";
  assert_string_equal (b.data, want);
  pp_buf_free (&b);
  pp_doc_free (doc);
}

/* Every object of a file: emitted, read back (valid still), emitted again: the same bytes. */
static void
check_file (const char *path)
{
  pp_input_t in;
  pp_error_t err = NULL;
  assert_int_equal (pp_input_open (path, &in, &err), 0);
  pp_diags_t diags = { 0 };
  pp_loader_t *l = pp_loader_new (path, in.data, in.len, &diags);
  pp_doc_t *doc;
  while (pp_loader_next (l, &doc) > 0)
    {
      if (doc->root && doc->root->type == PP_NODE_MAP)
        {
          size_t errors = diags.errors;
          pp_validate_doc (doc, &(pp_validate_opts_t){ 0 }, &diags);
          bool valid = diags.errors == errors;
          pp_buf_t first = { 0 }, second = { 0 };
          pp_emit_object (&first, doc->root, valid ? type_of (doc->root) : NULL);
          pp_doc_t *again = load_one (first.data, first.len, valid);
          pp_emit_object (&second, again->root, valid ? type_of (again->root) : NULL);
          if (strcmp (first.data, second.data) != 0)
            fail_msg ("%s: emitted twice differently:\n%s\n---\n%s", path, first.data, second.data);
          pp_doc_free (again);
          pp_buf_free (&first);
          pp_buf_free (&second);
        }
      pp_doc_free (doc);
    }
  pp_loader_free (l);
  pp_diags_free (&diags);
  pp_input_close (&in);
}

static void
test_fixtures_round_trip (void **state)
{
  (void)state;
  static const char *const dirs[] = { "fixtures/manifests/good", "fixtures/manifests/real-world",
                                      "fixtures/manifests/real-world-play", "manifests" };
  size_t files = 0;
  for (size_t d = 0; d < PP_N_ELEMENTS (dirs); d++)
    {
      DIR *dir = opendir (dirs[d]);
      assert_non_null (dir);
      struct dirent *e;
      while ((e = readdir (dir)))
        {
          size_t len = strlen (e->d_name);
          if (len < 5 || (strcmp (e->d_name + len - 5, ".yaml") != 0 && strcmp (e->d_name + len - 5, ".json") != 0))
            continue;
          cleanup_free char *path = xasprintf ("%s/%s", dirs[d], e->d_name);
          check_file (path);
          files++;
        }
      closedir (dir);
    }
  assert_true (files > 20);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_strings_read_back),
    cmocka_unit_test (test_typed),
    cmocka_unit_test (test_fixtures_round_trip),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
