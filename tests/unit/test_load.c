/* schema/load: YAML text into the node tree, with positions and YAML 1.1 tags, and the bad inputs it must refuse. */
#include "unit.h"
#include "schema/load.h"

#include <string.h>
#include <time.h>

#define MAX_DOCS 16

/* Every document of one YAML text, the loader's last answer and the diagnostics. */
typedef struct
{
  pp_diags_t diags;
  pp_doc_t *docs[MAX_DOCS];
  size_t n;
  int last; /* what pp_loader_next said last: 0 at the end, -1 after an error */
  uint32_t count;
} loaded_t;

static loaded_t L;

static void
unload (void)
{
  for (size_t i = 0; i < L.n; i++)
    pp_doc_free (L.docs[i]);
  pp_diags_free (&L.diags);
  memset (&L, 0, sizeof L);
}

static void
load_n (const char *data, size_t len)
{
  unload ();
  pp_loader_t *l = pp_loader_new ("test.yaml", data, len, &L.diags);
  pp_doc_t *doc;
  while ((L.last = pp_loader_next (l, &doc)) > 0)
    {
      assert_true (L.n < MAX_DOCS);
      L.docs[L.n++] = doc;
    }
  assert_null (doc);
  /* The stream has ended: asking again gives nothing more. */
  assert_int_equal (pp_loader_next (l, &doc), 0);
  assert_null (doc);
  L.count = pp_loader_count (l);
  pp_loader_free (l);
}

static void
load (const char *yaml)
{
  load_n (yaml, strlen (yaml));
}

static void
dump (void)
{
  for (size_t i = 0; i < L.diags.n; i++)
    pp_diag_print (stderr, &L.diags.v[i]);
}

static void
no_diags (void)
{
  if (L.diags.n)
    {
      dump ();
      fail_msg ("%zu unexpected diagnostics", L.diags.n);
    }
  assert_int_equal (L.last, 0);
}

/* Exactly one diagnostic, an error at line:col whose message holds every fragment given. */
static const pp_diag_t *
one_error (uint32_t line, uint32_t col, const char *frag1, const char *frag2)
{
  if (L.diags.n != 1)
    {
      dump ();
      fail_msg ("%zu diagnostics, want exactly 1", L.diags.n);
    }
  const pp_diag_t *g = &L.diags.v[0];
  assert_int_equal (L.diags.errors, 1);
  assert_int_equal (g->severity, PP_DIAG_ERROR);
  assert_string_equal (g->file, "test.yaml");
  if (g->line != line || g->col != col)
    fail_msg ("error at %u:%u, want %u:%u: %s", g->line, g->col, line, col, g->msg);
  if (frag1 && strstr (g->msg, frag1) == NULL)
    fail_msg ("\"%s\" does not say \"%s\"", g->msg, frag1);
  if (frag2 && strstr (g->msg, frag2) == NULL)
    fail_msg ("\"%s\" does not say \"%s\"", g->msg, frag2);
  return g;
}

static pp_node_t *
root (size_t i)
{
  assert_true (i < L.n);
  return L.docs[i]->root;
}

static pp_node_t *
get (const pp_node_t *map, const char *key)
{
  pp_node_t *v = pp_node_get (map, key);
  if (v == NULL)
    fail_msg ("no key '%s'", key);
  return v;
}

static void
at (const pp_node_t *n, uint32_t line, uint32_t col)
{
  assert_non_null (n);
  if (n->line != line || n->col != col)
    fail_msg ("node at %u:%u, want %u:%u", n->line, n->col, line, col);
}

static void
scalar_is (const pp_node_t *n, pp_tag_t tag, const char *text)
{
  assert_non_null (n);
  assert_int_equal (n->type, PP_NODE_SCALAR);
  if (n->tag != tag)
    fail_msg ("'%s' has tag %d, want %d", n->u.str, n->tag, tag);
  assert_string_equal (n->u.str, text);
  assert_int_equal (n->len, strlen (text));
}

/* --- the tree and its positions --- */

static void
test_tree_positions (void **state PP_UNUSED)
{
  load ("apiVersion: v1\n"
        "kind: Pod\n"
        "metadata:\n"
        "  name: web\n"
        "  labels: {app: web, tier: \"front\"}\n"
        "spec:\n"
        "  containers:\n"
        "    - name: c\n"
        "      image: nginx\n"
        "      args: [a, 'b']\n");
  no_diags ();
  assert_int_equal (L.n, 1);
  assert_int_equal (L.count, 1);
  pp_node_t *r = root (0);
  assert_int_equal (r->type, PP_NODE_MAP);
  at (r, 1, 1);
  assert_int_equal (r->n, 4);
  assert_string_equal (r->u.pairs[0].key->u.str, "apiVersion");
  assert_string_equal (r->u.pairs[3].key->u.str, "spec");
  at (r->u.pairs[1].key, 2, 1);
  scalar_is (get (r, "kind"), PP_TAG_STR, "Pod");
  at (get (r, "kind"), 2, 7);
  pp_node_t *md = get (r, "metadata");
  assert_int_equal (md->type, PP_NODE_MAP);
  at (md, 4, 3);
  at (get (md, "name"), 4, 9);
  pp_node_t *labels = get (md, "labels");
  assert_int_equal (labels->type, PP_NODE_MAP);
  at (labels, 5, 11);
  assert_int_equal (labels->n, 2);
  at (get (labels, "app"), 5, 17);
  scalar_is (get (labels, "tier"), PP_TAG_STR, "front");
  at (get (labels, "tier"), 5, 28);
  assert_true (get (labels, "tier")->quoted);
  assert_false (get (labels, "app")->quoted);
  pp_node_t *cs = get (get (r, "spec"), "containers");
  assert_int_equal (cs->type, PP_NODE_SEQ);
  at (cs, 8, 5);
  assert_int_equal (cs->n, 1);
  pp_node_t *c = cs->u.items[0];
  assert_int_equal (c->type, PP_NODE_MAP);
  at (c, 8, 7);
  at (get (c, "image"), 9, 14);
  pp_node_t *args = get (c, "args");
  assert_int_equal (args->type, PP_NODE_SEQ);
  at (args, 10, 13);
  assert_int_equal (args->n, 2);
  at (args->u.items[0], 10, 14);
  at (args->u.items[1], 10, 17);
  scalar_is (args->u.items[1], PP_TAG_STR, "b");
  assert_null (pp_node_get (r, "status"));
  assert_null (pp_node_get (get (r, "kind"), "x")); /* not a map */
  assert_int_equal (L.docs[0]->index, 1);
  assert_int_equal (L.docs[0]->line, 1);
  assert_string_equal (L.docs[0]->file, "test.yaml");
}

static void
test_positions_count_characters (void **state PP_UNUSED)
{
  /* Columns count characters, not bytes: é is two bytes and one column. */
  load ("a: {k: \xc3\xa9t\xc3\xa9, z: x}\n");
  no_diags ();
  at (get (get (root (0), "a"), "z"), 1, 16);
  scalar_is (get (get (root (0), "a"), "k"), PP_TAG_STR, "\xc3\xa9t\xc3\xa9");
}

static void
test_crlf (void **state PP_UNUSED)
{
  load ("a: 1\r\nb:\r\n  c: x\r\n");
  no_diags ();
  at (get (get (root (0), "b"), "c"), 3, 6);
  scalar_is (get (get (root (0), "b"), "c"), PP_TAG_STR, "x");
}

static void
test_block_scalars (void **state PP_UNUSED)
{
  load ("script: |\n"
        "  echo 1\n"
        "  echo 2\n"
        "folded: >\n"
        "  one\n"
        "  two\n"
        "n: |\n"
        "  123\n");
  no_diags ();
  scalar_is (get (root (0), "script"), PP_TAG_STR, "echo 1\necho 2\n");
  scalar_is (get (root (0), "folded"), PP_TAG_STR, "one two\n");
  scalar_is (get (root (0), "n"), PP_TAG_STR, "123\n"); /* a block scalar is a string, whatever it holds */
  assert_true (get (root (0), "n")->quoted);
}

static void
test_node_helpers (void **state PP_UNUSED)
{
  load ("s: text\nq: \"1\"\ni: 1\nn: ~\nm: {}\nl: []\nb: true\nf: 1.5\n");
  no_diags ();
  pp_node_t *r = root (0);
  assert_string_equal (pp_node_str (get (r, "s")), "text");
  assert_string_equal (pp_node_str (get (r, "q")), "1");
  assert_null (pp_node_str (get (r, "i")));
  assert_null (pp_node_str (get (r, "n")));
  assert_null (pp_node_str (get (r, "m")));
  assert_null (pp_node_str (NULL));
  assert_true (pp_node_is_null (get (r, "n")));
  assert_true (pp_node_is_null (NULL));
  assert_false (pp_node_is_null (get (r, "s")));
  assert_false (pp_node_is_null (get (r, "m")));
  assert_int_equal (get (r, "m")->n, 0);
  assert_int_equal (get (r, "l")->n, 0);
  assert_string_equal (pp_node_describe (get (r, "m")), "a mapping");
  assert_string_equal (pp_node_describe (get (r, "l")), "a list");
  assert_string_equal (pp_node_describe (get (r, "i")), "an integer");
  assert_string_equal (pp_node_describe (get (r, "f")), "a number");
  assert_string_equal (pp_node_describe (get (r, "b")), "a boolean");
  assert_string_equal (pp_node_describe (get (r, "n")), "null");
  assert_string_equal (pp_node_describe (get (r, "s")), "a string");
}

/* --- scalar tags --- */

static void
test_tags (void **state PP_UNUSED)
{
  static const struct
  {
    const char *text;
    pp_tag_t tag;
  } cases[] = {
    { "yes", PP_TAG_BOOL },   { "no", PP_TAG_BOOL },     { "on", PP_TAG_BOOL },     { "off", PP_TAG_BOOL },
    { "y", PP_TAG_BOOL },     { "n", PP_TAG_BOOL },      { "Y", PP_TAG_BOOL },      { "N", PP_TAG_BOOL },
    { "Yes", PP_TAG_BOOL },   { "NO", PP_TAG_BOOL },     { "On", PP_TAG_BOOL },     { "OFF", PP_TAG_BOOL },
    { "true", PP_TAG_BOOL },  { "False", PP_TAG_BOOL },  { "TRUE", PP_TAG_BOOL },   { "yEs", PP_TAG_STR },
    { "tRUE", PP_TAG_STR },   { "yess", PP_TAG_STR },    { "0644", PP_TAG_INT },    { "0", PP_TAG_INT },
    { "42", PP_TAG_INT },     { "-7", PP_TAG_INT },      { "+7", PP_TAG_INT },      { "1_000", PP_TAG_INT },
    { "0x1F", PP_TAG_INT },   { "0o17", PP_TAG_INT },    { "0b101", PP_TAG_INT },   { "1.5", PP_TAG_FLOAT },
    { "-1.5", PP_TAG_FLOAT }, { ".5", PP_TAG_FLOAT },    { "1e3", PP_TAG_FLOAT },   { "1.5e-3", PP_TAG_FLOAT },
    { ".inf", PP_TAG_FLOAT }, { "-.Inf", PP_TAG_FLOAT }, { ".nan", PP_TAG_FLOAT },  { "~", PP_TAG_NULL },
    { "null", PP_TAG_NULL },  { "Null", PP_TAG_NULL },   { "NULL", PP_TAG_NULL },   { "nULL", PP_TAG_STR },
    { "nginx", PP_TAG_STR },  { "1.2.3", PP_TAG_STR },   { "1e", PP_TAG_STR },      { "0x", PP_TAG_STR },
    { "0xg", PP_TAG_STR },    { "+", PP_TAG_STR },       { ".", PP_TAG_STR },       { "500m", PP_TAG_STR },
    { "128Mi", PP_TAG_STR },  { "10.0.0.1", PP_TAG_STR }, { "v1", PP_TAG_STR },     { "-.nan", PP_TAG_STR },
  };
  for (size_t i = 0; i < PP_N_ELEMENTS (cases); i++)
    {
      cleanup_free char *yaml = xasprintf ("v: %s\n", cases[i].text);
      load (yaml);
      no_diags ();
      pp_node_t *v = get (root (0), "v");
      if (v->tag != cases[i].tag)
        fail_msg ("'%s' has tag %d, want %d", cases[i].text, v->tag, cases[i].tag);
      assert_string_equal (v->u.str, cases[i].text);
      assert_false (v->quoted);
      /* The resolver alone agrees. */
      assert_int_equal (pp_resolve_plain (cases[i].text, strlen (cases[i].text)), cases[i].tag);
    }
}

static void
test_tags_quoted_and_empty (void **state PP_UNUSED)
{
  load ("a: \"yes\"\n"
        "b: 'true'\n"
        "c: \"0644\"\n"
        "d: '1.5'\n"
        "e: \"\"\n"
        "f:\n"
        "g: ~\n"
        "h: !!str 12\n"
        "i: !!int \"12\"\n"
        "j: '~'\n"
        "k: ! 12\n");
  no_diags ();
  pp_node_t *r = root (0);
  scalar_is (get (r, "a"), PP_TAG_STR, "yes");
  scalar_is (get (r, "b"), PP_TAG_STR, "true");
  scalar_is (get (r, "c"), PP_TAG_STR, "0644");
  scalar_is (get (r, "d"), PP_TAG_STR, "1.5");
  scalar_is (get (r, "e"), PP_TAG_STR, "");
  scalar_is (get (r, "f"), PP_TAG_NULL, "");
  scalar_is (get (r, "g"), PP_TAG_NULL, "~");
  scalar_is (get (r, "h"), PP_TAG_STR, "12");
  scalar_is (get (r, "i"), PP_TAG_INT, "12");
  scalar_is (get (r, "j"), PP_TAG_STR, "~");
  scalar_is (get (r, "k"), PP_TAG_STR, "12");
  assert_true (get (r, "a")->quoted);
  assert_false (get (r, "f")->quoted);
  assert_true (pp_node_is_null (get (r, "f")));
  assert_false (pp_node_is_null (get (r, "e")));
  assert_int_equal (pp_resolve_plain ("", 0), PP_TAG_NULL);
}

/* --- streams --- */

static void
test_multi_document (void **state PP_UNUSED)
{
  load ("a: 1\n"
        "---\n"
        "b: 2\n"
        "---\n"
        "---\n"
        "# only a comment\n"
        "--- ~\n"
        "---\n"
        "c: 3\n"
        "...\n");
  no_diags ();
  assert_int_equal (L.n, 6);
  assert_int_equal (L.count, 6);
  for (uint32_t i = 0; i < 6; i++)
    assert_int_equal (L.docs[i]->index, i + 1);
  assert_int_equal (L.docs[0]->line, 1);
  assert_int_equal (L.docs[1]->line, 2);
  assert_int_equal (L.docs[2]->line, 4);
  assert_int_equal (L.docs[3]->line, 5);
  assert_int_equal (L.docs[4]->line, 7);
  assert_int_equal (L.docs[5]->line, 8);
  scalar_is (get (root (0), "a"), PP_TAG_INT, "1");
  scalar_is (get (root (1), "b"), PP_TAG_INT, "2");
  at (get (root (1), "b"), 3, 4);
  assert_null (root (2)); /* empty */
  assert_null (root (3)); /* only a comment */
  assert_null (root (4)); /* `--- ~` */
  at (get (root (5), "c"), 9, 4);
}

static void
test_empty_streams (void **state PP_UNUSED)
{
  load ("");
  no_diags ();
  assert_int_equal (L.n, 0);
  assert_int_equal (L.count, 0);

  load ("# nothing but a comment\n\n");
  no_diags ();
  assert_int_equal (L.n, 0);

  load ("---\n");
  no_diags ();
  assert_int_equal (L.n, 1);
  assert_null (root (0));

  load ("---\n---\n");
  no_diags ();
  assert_int_equal (L.n, 2);
  assert_null (root (0));
  assert_null (root (1));

  /* A document that is an empty string is not an empty document. */
  load ("--- \"\"\n");
  no_diags ();
  assert_int_equal (L.n, 1);
  scalar_is (root (0), PP_TAG_STR, "");

  /* A lone scalar is a document too. */
  load ("hello\n");
  no_diags ();
  scalar_is (root (0), PP_TAG_STR, "hello");
  at (root (0), 1, 1);
}

static void
test_anchors_per_document (void **state PP_UNUSED)
{
  /* An anchor names a node of its own document only. */
  load ("a: &x 1\n---\nb: *x\n");
  assert_int_equal (L.n, 1);
  assert_int_equal (L.last, -1);
  const pp_diag_t *g = one_error (3, 4, "*x", "anchor");
  assert_int_equal (g->doc, 2);
}

static void
test_aliases (void **state PP_UNUSED)
{
  load ("a: &x {k: v}\n"
        "b: *x\n"
        "c: &s hello\n"
        "d: *s\n"
        "e: &s bye\n"
        "f: *s\n"
        "g: &l [1, 2]\n"
        "h: [*l, *l]\n");
  no_diags ();
  pp_node_t *r = root (0);
  scalar_is (get (get (r, "b"), "k"), PP_TAG_STR, "v");
  scalar_is (get (r, "d"), PP_TAG_STR, "hello");
  scalar_is (get (r, "f"), PP_TAG_STR, "bye"); /* a redefined anchor names the newer node */
  pp_node_t *h = get (r, "h");
  assert_int_equal (h->n, 2);
  assert_int_equal (h->u.items[1]->n, 2);
  scalar_is (h->u.items[1]->u.items[1], PP_TAG_INT, "2");
}

/* --- merge keys --- */

static void
test_merge_keys (void **state PP_UNUSED)
{
  load ("base: &base {a: 1, b: 2}\n"
        "other: &other {b: 20, c: 30}\n"
        "m1:\n"
        "  <<: *base\n"
        "  b: 3\n"
        "m2:\n"
        "  <<: [*base, *other]\n"
        "  c: 4\n"
        "m3:\n"
        "  b: 5\n"
        "  <<: *base\n"
        "m4: {<<: [*other, *base]}\n"
        "m5: {\"<<\": x}\n");
  no_diags ();
  pp_node_t *r = root (0);

  pp_node_t *m1 = get (r, "m1");
  assert_int_equal (m1->n, 2);
  scalar_is (get (m1, "a"), PP_TAG_INT, "1");
  scalar_is (get (m1, "b"), PP_TAG_INT, "3"); /* explicit keys win */
  at (get (m1, "b"), 5, 6);
  assert_null (pp_node_get (m1, "<<"));

  pp_node_t *m2 = get (r, "m2");
  assert_int_equal (m2->n, 3);
  scalar_is (get (m2, "a"), PP_TAG_INT, "1");
  scalar_is (get (m2, "b"), PP_TAG_INT, "2"); /* earlier maps in the list win over later ones */
  scalar_is (get (m2, "c"), PP_TAG_INT, "4");

  pp_node_t *m3 = get (r, "m3");
  assert_int_equal (m3->n, 2);
  scalar_is (get (m3, "b"), PP_TAG_INT, "5"); /* wherever the explicit key stands */
  scalar_is (get (m3, "a"), PP_TAG_INT, "1");

  pp_node_t *m4 = get (r, "m4");
  assert_int_equal (m4->n, 3);
  scalar_is (get (m4, "b"), PP_TAG_INT, "20");

  /* A quoted "<<" is an ordinary key. */
  scalar_is (get (get (r, "m5"), "<<"), PP_TAG_STR, "x");

  /* The anchored maps themselves are untouched. */
  assert_int_equal (get (r, "base")->n, 2);
}

static void
test_merge_not_a_map (void **state PP_UNUSED)
{
  /* The error points at the merge, not at the anchored value far away, which is fine where it is. */
  load ("a: &s text\nm:\n  <<: *s\n  k: v\n");
  assert_int_equal (L.n, 1);
  one_error (3, 3, "merge key", "mapping");
  scalar_is (get (get (root (0), "m"), "k"), PP_TAG_STR, "v");

  load ("m:\n  <<: [{a: 1}, 2]\n");
  one_error (2, 3, "merge key", NULL);
  scalar_is (get (get (root (0), "m"), "a"), PP_TAG_INT, "1");
}

/* --- duplicate keys --- */

static void
test_duplicate_keys (void **state PP_UNUSED)
{
  load ("a: 1\nb: 2\na: 3\n");
  assert_int_equal (L.n, 1); /* the document still loads; the error is reported */
  one_error (3, 1, "duplicate key 'a'", "line 1");

  load ("m:\n  x: 1\n  y: 2\n  x: 2\n");
  one_error (4, 3, "duplicate key 'x'", "line 2");

  load ("{k: 1, j: 0, k: 2}\n");
  one_error (1, 14, "duplicate key 'k'", NULL);

  /* Quoting does not make a key different. */
  load ("a: 1\n\"a\": 2\n");
  one_error (2, 1, "duplicate key 'a'", NULL);
}

static void
test_duplicate_keys_three (void **state PP_UNUSED)
{
  load ("a: 1\na: 2\nb: 0\na: 3\n");
  assert_int_equal (L.diags.n, 2);
  assert_int_equal (L.diags.errors, 2);
  pp_diags_sort_from (&L.diags, 0);
  assert_int_equal (L.diags.v[0].line, 2);
  assert_int_equal (L.diags.v[1].line, 4);
  assert_non_null (strstr (L.diags.v[0].msg, "duplicate key 'a'"));
}

static void
test_merged_keys_are_not_duplicates (void **state PP_UNUSED)
{
  load ("b: &b {x: 1}\nm: {<<: *b, x: 2}\nn: {<<: [*b, *b]}\n");
  no_diags ();
}

static void
test_non_scalar_key (void **state PP_UNUSED)
{
  load ("? [a, b]\n: 1\n");
  one_error (1, 3, "mapping key", "a list");
}

/* --- bad input --- */

static void
test_tab_indentation (void **state PP_UNUSED)
{
  load ("a:\n\tb: 1\n");
  assert_int_equal (L.last, -1);
  assert_int_equal (L.n, 0);
  one_error (2, 1, "tab", "spaces");

  load ("spec:\n  containers:\n  \t- name: x\n");
  one_error (3, 3, "tab", "spaces");
}

static void
test_unclosed_quote (void **state PP_UNUSED)
{
  /* The error points at the quote that opened the string, not at the end of the file. */
  load ("a: 1\nb: \"hello\nc: 2\nd: 3\n");
  assert_int_equal (L.last, -1);
  one_error (2, 4, "unclosed", "quote");

  load ("x: 'abc");
  one_error (1, 4, "unclosed", NULL);

  load ("list:\n  - \"one\"\n  - \"two\n");
  one_error (3, 5, "unclosed", NULL);
}

static void
test_invalid_utf8 (void **state PP_UNUSED)
{
  load ("a: ok\nb: x\xffy\n");
  assert_int_equal (L.last, -1);
  one_error (2, 5, "invalid UTF-8", "0xff");

  /* Columns before the bad byte count characters; a bad trailing byte is named and pointed at. */
  load ("\xc3\xa9\xc3\xa9: \xc3\x28\n");
  one_error (1, 6, "invalid UTF-8 (byte 0x28)", "trailing");
  load ("a: \xe2\x82\x28\n");
  one_error (1, 5, "invalid UTF-8 (byte 0x28)", "trailing");

  /* Cut short at the end of the file: the byte that starts the sequence, not a 0xff the file does not hold. */
  load ("a: b\xe2\x82");
  one_error (1, 5, "invalid UTF-8 (byte 0xe2)", "incomplete");

  /* An overlong encoding of '/'. */
  load ("a: \xc0\xaf\n");
  one_error (1, 4, "UTF-8", NULL);
}

static void
test_bom_and_line_ends (void **state PP_UNUSED)
{
  /* A byte order mark (Notepad writes one) is no column, and a lone CR ends a line, as libyaml counts them. */
  load ("\xef\xbb\xbf" "a: 1\n");
  no_diags ();
  at (get (root (0), "a"), 1, 4);

  load ("\xef\xbb\xbf" "a: x\xff\n");
  one_error (1, 5, "invalid UTF-8", "0xff");

  load ("\xef\xbb\xbf\ta: 1\n");
  one_error (1, 1, "tab", NULL);

  load ("\xef\xbb\xbf" "@a: 1\n");
  one_error (1, 1, "'@'", NULL);

  load ("a: 1\rb: \xff\r");
  one_error (2, 4, "invalid UTF-8", NULL);

  load ("a:\r\tb: 2\r");
  one_error (2, 1, "tab", NULL);

  load ("a: 1\r\nb: x\xff\r\n");
  one_error (2, 5, "invalid UTF-8", NULL);
}

static void
test_undefined_alias (void **state PP_UNUSED)
{
  load ("a: 1\nb: *nope\n");
  assert_int_equal (L.last, -1);
  assert_int_equal (L.n, 0);
  one_error (2, 4, "'*nope'", "anchor");

  /* An anchor is defined once its node is complete: a node cannot contain itself. */
  load ("a: &r [1, *r]\n");
  one_error (1, 11, "'*r'", NULL);
}

static void
test_alias_bomb (void **state PP_UNUSED)
{
  const char *bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
                     "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                     "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                     "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                     "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
                     "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                     "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
                     "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
                     "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
  clock_t t0 = clock ();
  load (bomb);
  double secs = (double) (clock () - t0) / CLOCKS_PER_SEC;
  assert_true (secs < 1.0);
  assert_int_equal (L.last, -1);
  assert_int_equal (L.n, 0);
  /* a..f expand to 672588 nodes; the first *f in g (597871 more) passes a million. */
  one_error (7, 8, "alias bomb", NULL);
}

static void
test_aliases_under_limit (void **state PP_UNUSED)
{
  /* Six levels expand to under a million nodes: legitimate reuse is not refused. */
  load ("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n");
  no_diags ();
  assert_int_equal (get (root (0), "f")->n, 9);
}

static void
test_deep_nesting (void **state PP_UNUSED)
{
  size_t n = 100000;
  cleanup_free char *deep = xmalloc (n + 1);
  memset (deep, '[', n);
  deep[n] = '\0';
  clock_t t0 = clock ();
  load (deep);
  assert_true ((double) (clock () - t0) / CLOCKS_PER_SEC < 1.0);
  assert_int_equal (L.last, -1);
  assert_int_equal (L.n, 0);
  one_error (1, PP_LOAD_MAX_DEPTH + 1, "nesting deeper than", "100");

  /* The same with every bracket closed, and with block mappings. */
  memset (deep, ']', n);
  memset (deep, '[', n / 2);
  load (deep);
  one_error (1, PP_LOAD_MAX_DEPTH + 1, "nesting deeper than", NULL);

  pp_buf_t b = { 0 };
  for (int i = 0; i <= PP_LOAD_MAX_DEPTH; i++)
    pp_buf_printf (&b, "%*sk:\n", 2 * i, "");
  load (b.data);
  one_error (PP_LOAD_MAX_DEPTH + 1, 2 * PP_LOAD_MAX_DEPTH + 1, "nesting deeper than", NULL);
  pp_buf_free (&b);
}

static void
test_nesting_at_the_limit (void **state PP_UNUSED)
{
  char s[2 * PP_LOAD_MAX_DEPTH + 2];
  memset (s, '[', PP_LOAD_MAX_DEPTH);
  memset (s + PP_LOAD_MAX_DEPTH, ']', PP_LOAD_MAX_DEPTH);
  s[2 * PP_LOAD_MAX_DEPTH] = '\n';
  s[2 * PP_LOAD_MAX_DEPTH + 1] = '\0';
  load (s);
  no_diags ();
  pp_node_t *n = root (0);
  int depth = 0;
  while (n->type == PP_NODE_SEQ && n->n == 1)
    n = n->u.items[0], depth++;
  assert_int_equal (depth, PP_LOAD_MAX_DEPTH - 1);
  assert_int_equal (n->n, 0);
}

static void
test_big_scalar (void **state PP_UNUSED)
{
  size_t big = 50u << 20;
  cleanup_free char *yaml = xmalloc (big + 32);
  size_t len = (size_t) sprintf (yaml, "key: ");
  memset (yaml + len, 'x', big);
  len += big;
  len += (size_t) sprintf (yaml + len, "\nafter: 1\n");
  load_n (yaml, len);
  no_diags ();
  assert_int_equal (L.n, 1);
  pp_node_t *v = get (root (0), "key");
  assert_int_equal (v->type, PP_NODE_SCALAR);
  assert_int_equal (v->tag, PP_TAG_STR);
  assert_int_equal (v->len, big);
  assert_int_equal (strlen (v->u.str), big);
  assert_int_equal (v->u.str[big - 1], 'x');
  at (get (root (0), "after"), 2, 8);
  unload ();
}

static void
test_syntax_error_after_good_document (void **state PP_UNUSED)
{
  /* Documents before the error are returned; the error belongs to the document it is in. */
  load ("a: 1\n---\nb: [1, 2\n");
  assert_int_equal (L.n, 1);
  assert_int_equal (L.last, -1);
  assert_int_equal (L.diags.n, 1);
  assert_int_equal (L.diags.errors, 1);
  assert_int_equal (L.diags.v[0].doc, 2);
  assert_int_equal (L.diags.v[0].line, 4);
  scalar_is (get (root (0), "a"), PP_TAG_INT, "1");
}

static void
test_other_syntax_errors (void **state PP_UNUSED)
{
  load ("a: @x\n");
  one_error (1, 4, "'@'", "quote");

  load ("a: b: c\n");
  one_error (1, 5, "YAML syntax", NULL);

  load ("a:\n  - 1\n  b: 2\n");
  assert_int_equal (L.last, -1);
  assert_int_equal (L.diags.n, 1);
  assert_int_equal (L.diags.v[0].line, 3);
}

static void
test_loader_freed_early (void **state PP_UNUSED)
{
  /* A caller that stops after the first document leaks nothing (ASan checks). */
  pp_diags_t d = { 0 };
  const char *yaml = "a: &x [1]\n---\nb: &y {c: [1, 2, {d: e}]}\n";
  pp_loader_t *l = pp_loader_new ("early.yaml", yaml, strlen (yaml), &d);
  pp_doc_t *doc = NULL;
  assert_int_equal (pp_loader_next (l, &doc), 1);
  pp_doc_free (doc);
  pp_loader_free (l);
  pp_loader_free (NULL);
  assert_int_equal (d.n, 0);
  pp_diags_free (&d);
}

static int
teardown (void **state PP_UNUSED)
{
  unload ();
  return 0;
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_tree_positions),
    cmocka_unit_test (test_positions_count_characters),
    cmocka_unit_test (test_crlf),
    cmocka_unit_test (test_block_scalars),
    cmocka_unit_test (test_node_helpers),
    cmocka_unit_test (test_tags),
    cmocka_unit_test (test_tags_quoted_and_empty),
    cmocka_unit_test (test_multi_document),
    cmocka_unit_test (test_empty_streams),
    cmocka_unit_test (test_anchors_per_document),
    cmocka_unit_test (test_aliases),
    cmocka_unit_test (test_merge_keys),
    cmocka_unit_test (test_merge_not_a_map),
    cmocka_unit_test (test_duplicate_keys),
    cmocka_unit_test (test_duplicate_keys_three),
    cmocka_unit_test (test_merged_keys_are_not_duplicates),
    cmocka_unit_test (test_non_scalar_key),
    cmocka_unit_test (test_tab_indentation),
    cmocka_unit_test (test_unclosed_quote),
    cmocka_unit_test (test_invalid_utf8),
    cmocka_unit_test (test_bom_and_line_ends),
    cmocka_unit_test (test_undefined_alias),
    cmocka_unit_test (test_alias_bomb),
    cmocka_unit_test (test_aliases_under_limit),
    cmocka_unit_test (test_deep_nesting),
    cmocka_unit_test (test_nesting_at_the_limit),
    cmocka_unit_test (test_big_scalar),
    cmocka_unit_test (test_syntax_error_after_good_document),
    cmocka_unit_test (test_other_syntax_errors),
    cmocka_unit_test (test_loader_freed_early),
  };
  return cmocka_run_group_tests (tests, NULL, teardown);
}
