/* schema/yscan: the fast reader gives the trees, positions and diagnostics that libyaml's path gives, or gives up. */
#include "unit.h"
#include "../fuzz/load_diff.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

/* Loads a text both ways and fails on the first difference; the number of documents the fast reader took. */
static uint32_t
check_text (const char *name, const char *data, size_t len)
{
  char why[512];
  uint32_t fast = 0;
  if (load_diff (data, len, why, sizeof why, &fast))
    fail_msg ("%s: %s", name, why);
  return fast;
}

static uint32_t
check (const char *yaml)
{
  return check_text (yaml, yaml, strlen (yaml));
}

/* Each of these the fast reader must take whole, and give what libyaml gives. */
static const char *const taken[] = {
  "[]\n",
  "{}\n",
  "a: 1\n",
  "a: 1\nb: two\nc:\n  d: [x, \"y\", 'z']\n",
  "containers:\n- name: x\n  image: a:b\n- name: y\n",
  "key:\nother: 1\n",
  "- - x\n  - y\n- z\n",
  "- key: v\n  k2: v2\n- k3: v3\n",
  "\"quoted key\": 1\n'single': 2\n",
  "a: yes\nb: 0x1F\nc: 1e3\nd: ~\ne: \"123\"\nf: '1.5'\ng: -.inf\nh: .NaN\ni: 0o17\nj: +12\nk: 1_000\nl: NO\n",
  "url: http://example.com:8080/path?q=1#frag\nhash: a#b\n",
  "a: b # comment\n# full line\nc: d   \n",
  "a: |\n  one\n  two\n",
  "a: |-\n  one\n  two\n\n\nb: 1\n",
  "a: |+\n  one\n  two\n\n\nb: 1\n",
  "a: >\n  one\n  two\n\n  three\n   more\n  four\nb: 1\n",
  "a: >-\n  folded\n  text\n",
  "a: |2\n    indented\n  x\n",
  "a: |\n  x\n\n  # not a comment\n",
  "a: |\n  last",
  "---\na: 1\n---\nb: 2\n",
  "---\n---\n",
  "# only a comment\n",
  "",
  "---\n# c\n---\na: 1\n",
  "--- # start\na: 1\n",
  "a: 1\r\nb:\r\n- x\r\n- 'y'\r\nc: |\r\n  l1\r\n  l2\r\n",
  "command: [\"sh\", \"-c\", \"x\"]\nargs: []\nlabels: {}\nports: [{containerPort: 80}]\n",
  "a: [ 1 , 2 ]\nb: { x: 1, 'y': [z] }\n",
  "a: 'it''s'\nb: \"say 'x'\"\n",
  "plain scalar document\n",
  "~\n",
  "- \n- x\n-\n",
  "a:    \nb: 1\n",
  "a: # comment\n  b: 1\n",
  "- # c\n  a: 1\n",
  "émoji: \"ü\"\nb: [é, x]\nc: ü # x\n",
  "a: 1\na: 2\nb: {x: 1, x: 2}\n",
  "a:\n  - x\n  - y\nb:\n    c: 1\n",
  "a: -1\nb: -x\nc: x:y\nd: [-1]\n",
  "key with spaces: value with spaces\n",
  "a : 1\n\"b\" : 2\n",
  "  a: 1\n  b: 2\n",
  "a: >\n  one  \n   more\n\n   indented\n  back\n\n\n# comment\n\nb: |+\n  kept\n\n# c\n",
  "a: |+\n  x\n\n",
  "a: |-\n  x",
  "a: >\n\n  x\n",
  "a:  |\n      deep\n      text\n",
  "- a:\n  - x\n  b: 1\n",
  "a:\n- b:\n  - c\n  d: e\nf: g\n",
  "a:\n  b:\n  - 1\nc: 2\n",
  "---\n- 1\n- [2]\n---\n- {a: b}\n",
  "a:\n# c\nb:\n\n\nc: 1\n",
  "a: [\"a,b\", 'c]d', \"e#f\", \"g: h\", {'i': \"j\"}]\n",
  "a: x   # c\nit's: y\n",
  "é:\n- ü\n- [ä, ö]\n",
  "---   \n",
  "---\na: 1\n\n\n# end\n",
  "- - - x\n    - y\n  - z\n",
  "-   a: 1\n    b: 2\n",
  "# head\n\na: 1\n# between\n--- # c\nb: 2\n",
  "a: \"\"\nb: ''\nc: []\nd: {}\n",
  "a: null\nb: Null\nc: true\nd: 'true'\ne: 0.5\nf: .5\ng: 1.\nh: 0b101\ni: 1e\n",
};

/* These it may give up on, and libyaml must then say what it says today. */
static const char *const others[] = {
  "j: -\n",
  "a: &x 1\nb: *x\n",
  "a: !!str 1\n",
  "%YAML 1.1\n---\na: 1\n",
  "? a\n: b\n",
  "a: b\n  c\n",
  "a: 'multi\n  line'\n",
  "a: \"esc\\n\"\n",
  "a:\tb\n",
  "\ta: 1\n",
  "a: 1\n...\n",
  "a: 1\n---\nb: &c 2\n---\nd: 3\n",
  "a: 1\n---\nb: [\n---\nc: 1\n",
  "a: b: c\n",
  "- a\nb: 1\n",
  "a:\n  b: 1\n c: 2\n",
  "a: [1,\n 2]\n",
  "a: {b}\n",
  "a: [x, ]\n",
  "<<: {a: 1}\nb: 2\n",
  "a: |\n\n",
  "a: |\n   \n  x\n",
  "a: |0\n  x\n",
  "a: |\n  x\n   \n",
  "|\n  root\n",
  "--- x\n",
  "a: \"x\"#c\n",
  "a: 1\r\n\rb: 2\n",
  "\xef\xbb\xbf" "a: 1\n",
  "a: \xff\n",
  "a: \x01\n",
  "a: 1\n---\nb: 2\n---\n]\n---\nc: 3\n",
  "[a, b]: c\n",
  "a: [b: c]\n",
  "a:\n- b\n - c\n",
  "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - "
  "- - - - - - - - - - - - - - - - - - - - - x\n",
};

static void
test_hand_written (void **state)
{
  (void) state;
  for (size_t i = 0; i < PP_N_ELEMENTS (taken); i++)
    {
      check (taken[i]);
      load_run_t r;
      load_run (&r, taken[i], strlen (taken[i]), true);
      if (r.fast != r.count)
        fail_msg ("the fast reader gave up on document %u of: %s", r.fast + 1, taken[i]);
      load_run_free (&r);
    }
  for (size_t i = 0; i < PP_N_ELEMENTS (others); i++)
    check (others[i]);
}

/* All that `f` gives, in a buffer of `*len` bytes. */
static char *
slurp (FILE *f, size_t *len)
{
  char *data = NULL;
  FILE *m = open_memstream (&data, len);
  char buf[4096];
  size_t n;
  while ((n = fread (buf, 1, sizeof buf, f)) > 0)
    fwrite (buf, 1, n, m);
  fclose (m);
  return data;
}

static void
check_file (const char *path)
{
  cleanup_file FILE *f = fopen (path, "re");
  assert_non_null (f);
  size_t len = 0;
  cleanup_free char *data = slurp (f, &len);
  /* Without its last byte too: a stream need not end in a line break. */
  check_text (path, data, len);
  if (len > 0)
    check_text (path, data, len - 1);
}

static void
check_tree (const char *dir)
{
  DIR *d = opendir (dir);
  assert_non_null (d);
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      if (e->d_name[0] == '.')
        continue;
      cleanup_free char *path = xasprintf ("%s/%s", dir, e->d_name);
      if (e->d_type == DT_DIR)
        check_tree (path);
      else if (e->d_type == DT_REG)
        check_file (path);
    }
  closedir (d);
}

static void
test_files_of_the_tree (void **state)
{
  (void) state;
  check_tree ("manifests");
  check_tree ("fixtures");
  check_tree ("tests/fuzz/seeds/load");
}

/* The bench's stream, which the fast reader must take whole or the bench buys nothing. */
static void
test_bench_stream (void **state)
{
  (void) state;
  FILE *p = popen ("python3 bench/gen-manifests.py 0.3", "r");
  assert_non_null (p);
  size_t len = 0;
  cleanup_free char *data = slurp (p, &len);
  assert_int_equal (pclose (p), 0);
  assert_true (len > 100000);
  load_run_t r;
  load_run (&r, data, len, true);
  assert_true (r.count > 100);
  assert_int_equal (r.fast, r.count);
  load_run_free (&r);
  check_text ("bench stream", data, len);
}

/* Big mappings (their keys looked at sorted) and long lines (each read once: a quoted item does not look for the
   end of its line). */
static void
test_big_and_long (void **state)
{
  (void) state;
  for (int dup = 0; dup < 2; dup++)
    {
      cleanup_free char *text = NULL;
      size_t len = 0;
      FILE *m = open_memstream (&text, &len);
      for (int i = 0; i < 40; i++)
        fprintf (m, "k%d: v\n", dup && i == 30 ? 3 : i);
      fclose (m);
      load_run_t r;
      load_run (&r, text, len, true);
      assert_int_equal (r.fast, 1);
      assert_int_equal (r.diags.errors, (size_t) dup);
      load_run_free (&r);
      check_text ("big mapping", text, len);
    }
  size_t n = 200000, len = 0;
  cleanup_free char *line = xmalloc (n * 5 + 16);
  len += (size_t) sprintf (line, "a: [");
  for (size_t i = 0; i < n; i++)
    len += (size_t) sprintf (line + len, "%s\"x\"", i ? "," : "");
  len += (size_t) sprintf (line + len, "]\n");
  assert_int_equal (check_text ("long line", line, len), 1);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_hand_written),
    cmocka_unit_test (test_files_of_the_tree),
    cmocka_unit_test (test_bench_stream),
    cmocka_unit_test (test_big_and_long),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
