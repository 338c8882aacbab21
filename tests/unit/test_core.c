/* src/core: error objects, growable buffers, the bounded edit distance, log levels and the context's roots. */
#include "unit.h"

#include <sys/wait.h>
#include "core/context.h"
#include "core/error.h"
#include "core/log.h"
#include "core/table.h"

#include <string.h>

/* What a FILE * written by the code under test ended up holding. */
typedef struct
{
  char *data;
  size_t len;
  FILE *f;
} capture_t;

static void
capture_open (capture_t *c)
{
  c->data = NULL;
  c->len = 0;
  c->f = open_memstream (&c->data, &c->len);
  assert_non_null (c->f);
}

static char *
capture_close (capture_t *c)
{
  fclose (c->f);
  c->f = NULL;
  return c->data;
}

/* --- errors --- */

static void
test_error_make (void **state PP_UNUSED)
{
  pp_error_t err = NULL;
  assert_int_equal (pp_error_make (&err, ENOENT, "open `%s`", "/x/y"), -1);
  assert_non_null (err);
  assert_int_equal (err->status, ENOENT);
  assert_string_equal (err->msg, "open `/x/y`");
  pp_error_release (&err);
  assert_null (err);
}

static void
test_error_make_no_errno (void **state PP_UNUSED)
{
  pp_error_t err = NULL;
  assert_int_equal (pp_error_make (&err, 0, "bad value %d", 42), -1);
  assert_int_equal (err->status, 0);
  assert_string_equal (err->msg, "bad value 42");
  pp_error_release (&err);
}

static void
test_error_make_keeps_errno (void **state PP_UNUSED)
{
  /* `return pp_error_make (err, errno, ...)`: the caller's errno must survive the formatting. */
  pp_error_t err = NULL;
  errno = EACCES;
  pp_error_make (&err, errno, "mkdir `%s`", "/root/x");
  assert_int_equal (errno, EACCES);
  assert_int_equal (err->status, EACCES);
  pp_error_release (&err);
}

static void
test_error_first_wins (void **state PP_UNUSED)
{
  /* The error closest to the failure is the one reported; a second make does not replace it. */
  pp_error_t err = NULL;
  pp_error_make (&err, EIO, "first");
  assert_int_equal (pp_error_make (&err, EPERM, "second"), -1);
  assert_string_equal (err->msg, "first");
  assert_int_equal (err->status, EIO);
  pp_error_release (&err);
}

static void
test_error_make_null_err (void **state PP_UNUSED)
{
  assert_int_equal (pp_error_make (NULL, EIO, "nobody listens"), -1);
}

static void
test_error_wrap (void **state PP_UNUSED)
{
  pp_error_t err = NULL;
  pp_error_make (&err, ENOENT, "open `%s`", "layer.tar");
  assert_int_equal (pp_error_wrap (&err, "pulling %s", "busybox"), -1);
  assert_string_equal (err->msg, "pulling busybox: open `layer.tar`");
  pp_error_wrap (&err, "pod %s", "web");
  assert_string_equal (err->msg, "pod web: pulling busybox: open `layer.tar`");
  assert_int_equal (err->status, ENOENT);
  pp_error_release (&err);
}

static void
test_error_wrap_empty (void **state PP_UNUSED)
{
  /* Wrapping no error is a no-op that still reports failure. */
  pp_error_t err = NULL;
  assert_int_equal (pp_error_wrap (&err, "context"), -1);
  assert_null (err);
  assert_int_equal (pp_error_wrap (NULL, "context"), -1);
}

static void
test_error_release_twice (void **state PP_UNUSED)
{
  pp_error_t err = NULL;
  pp_error_release (&err);
  pp_error_release (NULL);
  pp_error_make (&err, 0, "x");
  pp_error_release (&err);
  pp_error_release (&err);
  assert_null (err);
}

static void
test_error_cleanup (void **state PP_UNUSED)
{
  /* The cleanup attribute frees the error at the end of the scope (ASan would see a leak otherwise). */
  cleanup_error pp_error_t err = NULL;
  pp_error_make (&err, EINVAL, "scoped %s", "error");
  assert_string_equal (err->msg, "scoped error");
}

static void
test_error_print (void **state PP_UNUSED)
{
  capture_t c;
  pp_error_t err = NULL;
  pp_error_make (&err, ENOENT, "open `%s`", "pod.yaml");
  capture_open (&c);
  pp_error_print (c.f, err);
  cleanup_free char *with = capture_close (&c);
  cleanup_free char *expect = xasprintf ("podplay: open `pod.yaml`: %s\n", strerror (ENOENT));
  assert_string_equal (with, expect);
  pp_error_release (&err);

  pp_error_make (&err, 0, "no such pod");
  capture_open (&c);
  pp_error_print (c.f, err);
  cleanup_free char *without = capture_close (&c);
  assert_string_equal (without, "podplay: no such pod\n");
  pp_error_release (&err);

  capture_open (&c);
  pp_error_print (c.f, NULL);
  cleanup_free char *nothing = capture_close (&c);
  assert_string_equal (nothing, "");
}

static void
test_error_long_message (void **state PP_UNUSED)
{
  char big[5000];
  memset (big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  pp_error_t err = NULL;
  pp_error_make (&err, 0, "%s", big);
  pp_error_wrap (&err, "ctx");
  assert_int_equal (strlen (err->msg), strlen ("ctx: ") + sizeof big - 1);
  assert_memory_equal (err->msg, "ctx: xxx", 8);
  pp_error_release (&err);
}

/* --- buffers --- */

static void
test_buf_append (void **state PP_UNUSED)
{
  pp_buf_t b = { 0 };
  pp_buf_append (&b, "abc", 3);
  assert_int_equal (b.len, 3);
  assert_string_equal (b.data, "abc");
  pp_buf_append (&b, "defgh", 2);
  assert_int_equal (b.len, 5);
  assert_string_equal (b.data, "abcde");
  assert_true (b.cap > b.len);
  pp_buf_free (&b);
  assert_null (b.data);
  assert_int_equal (b.len, 0);
  assert_int_equal (b.cap, 0);
}

static void
test_buf_empty_append_terminates (void **state PP_UNUSED)
{
  /* Appending nothing to a fresh buffer still gives a NUL-terminated string, never NULL. */
  pp_buf_t b = { 0 };
  pp_buf_append (&b, "", 0);
  assert_non_null (b.data);
  assert_string_equal (b.data, "");
  pp_buf_free (&b);

  pp_buf_printf (&b, "%s", "");
  assert_non_null (b.data);
  assert_string_equal (b.data, "");
  pp_buf_free (&b);
}

static void
test_buf_binary (void **state PP_UNUSED)
{
  pp_buf_t b = { 0 };
  pp_buf_append (&b, "a\0b", 3);
  assert_int_equal (b.len, 3);
  assert_memory_equal (b.data, "a\0b", 4);
  pp_buf_free (&b);
}

static void
test_buf_puts_printf (void **state PP_UNUSED)
{
  pp_buf_t b = { 0 };
  pp_buf_puts (&b, "name=");
  pp_buf_printf (&b, "%s:%d", "web", 8080);
  pp_buf_puts (&b, "");
  assert_string_equal (b.data, "name=web:8080");
  assert_int_equal (b.len, strlen ("name=web:8080"));
  pp_buf_free (&b);
}

static void
test_buf_grows (void **state PP_UNUSED)
{
  pp_buf_t b = { 0 };
  for (int i = 0; i < 10000; i++)
    pp_buf_printf (&b, "%04d,", i % 10000);
  assert_int_equal (b.len, 50000);
  assert_int_equal (strlen (b.data), 50000);
  assert_memory_equal (b.data, "0000,0001,", 10);
  assert_string_equal (b.data + b.len - 5, "9999,");
  assert_true (b.cap >= b.len + 1);

  char big[300000];
  memset (big, 'z', sizeof big);
  pp_buf_append (&b, big, sizeof big);
  assert_int_equal (b.len, 350000);
  assert_int_equal (b.data[b.len], '\0');
  assert_int_equal (b.data[b.len - 1], 'z');
  pp_buf_free (&b);
}

static void
test_buf_printf_long (void **state PP_UNUSED)
{
  /* One printf bigger than the initial capacity. */
  char big[1000];
  memset (big, 'q', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  pp_buf_t b = { 0 };
  pp_buf_puts (&b, "<");
  pp_buf_printf (&b, "%s>", big);
  assert_int_equal (b.len, 1 + 999 + 1);
  assert_int_equal (b.data[0], '<');
  assert_int_equal (b.data[1000], '>');
  assert_int_equal (b.data[1001], '\0');
  pp_buf_free (&b);
}

static void
test_buf_reset (void **state PP_UNUSED)
{
  pp_buf_t b = { 0 };
  pp_buf_reset (&b); /* on a fresh buffer: nothing to do, nothing to crash on */
  assert_int_equal (b.len, 0);
  pp_buf_puts (&b, "hello");
  size_t cap = b.cap;
  pp_buf_reset (&b);
  assert_int_equal (b.len, 0);
  assert_string_equal (b.data, "");
  assert_int_equal (b.cap, cap);
  pp_buf_puts (&b, "again");
  assert_string_equal (b.data, "again");
  pp_buf_free (&b);
  pp_buf_free (&b);
}

/* --- edit distance --- */

static void
test_edit_distance_basic (void **state PP_UNUSED)
{
  assert_int_equal (pp_edit_distance ("", "", 3), 0);
  assert_int_equal (pp_edit_distance ("image", "image", 3), 0);
  assert_int_equal (pp_edit_distance ("kitten", "sitting", 5), 3);
  assert_int_equal (pp_edit_distance ("imag", "image", 2), 1);
  assert_int_equal (pp_edit_distance ("image", "imag", 2), 1);
  assert_int_equal (pp_edit_distance ("imgae", "image", 2), 2); /* a transposition is two steps */
  assert_int_equal (pp_edit_distance ("", "abc", 5), 3);
  assert_int_equal (pp_edit_distance ("abc", "", 5), 3);
  assert_int_equal (pp_edit_distance ("ports", "port", 0), 1); /* max + 1 */
}

static void
test_edit_distance_case (void **state PP_UNUSED)
{
  assert_int_equal (pp_edit_distance ("workingdir", "workingDir", 2), 0);
  assert_int_equal (pp_edit_distance ("IMAGEPULLPOLICY", "imagePullPolicy", 0), 0);
  assert_int_equal (pp_edit_distance ("workindir", "workingDir", 2), 1);
  /* Only ASCII letters fold: '@' and '`' are 32 apart from nothing that matters. */
  assert_int_equal (pp_edit_distance ("a@", "a`", 2), 1);
  assert_int_equal (pp_edit_distance ("[", "{", 2), 1);
}

static void
test_edit_distance_bounded (void **state PP_UNUSED)
{
  /* Far apart: max + 1, whatever the true distance. */
  assert_int_equal (pp_edit_distance ("abcdef", "uvwxyz", 2), 3);
  assert_int_equal (pp_edit_distance ("a", "abcdefghij", 2), 3);
  assert_int_equal (pp_edit_distance ("containers", "volumes", 1), 2);
  /* Within the bound: the exact distance. */
  assert_int_equal (pp_edit_distance ("abcdef", "uvwxyz", 10), 6);
  assert_int_equal (pp_edit_distance ("abcdef", "abcxyz", 3), 3);
  assert_int_equal (pp_edit_distance ("abcdef", "abcxyz", 2), 3);
}

static void
test_edit_distance_long (void **state PP_UNUSED)
{
  /* The header promises max + 1 only once the distance exceeds max, so long strings get their true distance. */
  char a[201], b[201];
  memset (a, 'k', 200);
  a[200] = '\0';
  memcpy (b, a, sizeof b);
  assert_int_equal (pp_edit_distance (a, b, 2), 0);
  b[100] = 'K';
  assert_int_equal (pp_edit_distance (a, b, 2), 0);
  b[100] = 'x';
  assert_int_equal (pp_edit_distance (a, b, 2), 1);
  b[199] = '\0';
  assert_int_equal (pp_edit_distance (a, b, 2), 2);
  assert_int_equal (pp_edit_distance (a, b, 1), 2);
  /* A long string against a short one is decided by the lengths alone, quickly. */
  static char huge[1 << 20];
  memset (huge, 'a', sizeof huge - 1);
  assert_int_equal (pp_edit_distance (huge, "a", 2), 3);
}

static void
test_edit_distance_huge_identical (void **state PP_UNUSED)
{
  /* Bounded: two identical 1 MiB strings must not cost 10^12 steps. */
  static char a[1 << 20], b[1 << 20];
  memset (a, 'a', sizeof a - 1);
  memset (b, 'a', sizeof b - 1);
  assert_int_equal (pp_edit_distance (a, b, 2), 0);
  b[sizeof b / 2] = 'b';
  assert_int_equal (pp_edit_distance (a, b, 2), 1);
}

/* The plain, unbounded Levenshtein distance, case-folded, for cross-checking. */
static size_t
reference_distance (const char *a, const char *b)
{
  size_t la = strlen (a), lb = strlen (b), d[16][16];
  for (size_t i = 0; i <= la; i++)
    for (size_t j = 0; j <= lb; j++)
      {
        if (i == 0 || j == 0)
          {
            d[i][j] = i + j;
            continue;
          }
        char x = a[i - 1], y = b[j - 1];
        x = x >= 'A' && x <= 'Z' ? (char) (x + 32) : x;
        y = y >= 'A' && y <= 'Z' ? (char) (y + 32) : y;
        size_t v = d[i - 1][j - 1] + (x != y);
        if (d[i - 1][j] + 1 < v)
          v = d[i - 1][j] + 1;
        if (d[i][j - 1] + 1 < v)
          v = d[i][j - 1] + 1;
        d[i][j] = v;
      }
  return d[la][lb];
}

static void
test_edit_distance_matches_reference (void **state PP_UNUSED)
{
  /* Every pair of short strings over a small alphabet, every bound: min (true distance, max + 1). */
  unsigned seed = 12345;
  for (int n = 0; n < 20000; n++)
    {
      char a[12], b[12];
      size_t la, lb;
      seed = seed * 1103515245 + 12345;
      la = (seed >> 16) % 11;
      seed = seed * 1103515245 + 12345;
      lb = (seed >> 16) % 11;
      for (size_t i = 0; i < la; i++)
        {
          seed = seed * 1103515245 + 12345;
          a[i] = "abAB"[(seed >> 16) % 4];
        }
      for (size_t i = 0; i < lb; i++)
        {
          seed = seed * 1103515245 + 12345;
          b[i] = "abAB"[(seed >> 16) % 4];
        }
      a[la] = b[lb] = '\0';
      size_t want = reference_distance (a, b);
      for (size_t max = 0; max <= 11; max++)
        {
          size_t got = pp_edit_distance (a, b, max);
          if (got != (want <= max ? want : max + 1))
            fail_msg ("distance (\"%s\", \"%s\", %zu) = %zu, want %zu", a, b, max, got, want <= max ? want : max + 1);
        }
    }
}

/* --- log levels --- */

static void
test_log_level_parse (void **state PP_UNUSED)
{
  assert_int_equal (pp_log_level_parse ("error"), PP_LOG_ERROR);
  assert_int_equal (pp_log_level_parse ("warn"), PP_LOG_WARNING);
  assert_int_equal (pp_log_level_parse ("warning"), PP_LOG_WARNING);
  assert_int_equal (pp_log_level_parse ("info"), PP_LOG_INFO);
  assert_int_equal (pp_log_level_parse ("debug"), PP_LOG_DEBUG);
  assert_int_equal (pp_log_level_parse (""), -1);
  assert_int_equal (pp_log_level_parse ("trace"), -1);
  assert_int_equal (pp_log_level_parse ("debugx"), -1);
  assert_int_equal (pp_log_level_parse ("war"), -1);
  assert_int_equal (pp_log_level_parse ("?"), -1);
}

static void
test_log_level_name (void **state PP_UNUSED)
{
  assert_string_equal (pp_log_level_name (PP_LOG_ERROR), "error");
  assert_string_equal (pp_log_level_name (PP_LOG_WARNING), "warning");
  assert_string_equal (pp_log_level_name (PP_LOG_INFO), "info");
  assert_string_equal (pp_log_level_name (PP_LOG_DEBUG), "debug");
  assert_string_equal (pp_log_level_name ((pp_log_level_t) 17), "?");
  /* Every name parses back to its level. */
  for (int l = PP_LOG_ERROR; l <= PP_LOG_DEBUG; l++)
    assert_int_equal (pp_log_level_parse (pp_log_level_name ((pp_log_level_t) l)), l);
}

static void
test_log_filters (void **state PP_UNUSED)
{
  pp_context_t ctx;
  pp_context_init (&ctx);
  capture_t c;
  capture_open (&c);
  ctx.log_stream = c.f;
  ctx.log_level = PP_LOG_INFO;
  pp_debug (&ctx, "hidden %d", 1);
  pp_info (&ctx, "shown %d", 2);
  pp_warning (&ctx, "careful");
  pp_log (&ctx, PP_LOG_ERROR, "broken");
  pp_log (NULL, PP_LOG_ERROR, "no context, no output");
  cleanup_free char *out = capture_close (&c);
  assert_string_equal (out, "podplay: info: shown 2\npodplay: warning: careful\npodplay: error: broken\n");
  pp_context_release (&ctx);
}

/* --- context --- */

static void
test_context_init (void **state PP_UNUSED)
{
  pp_context_t ctx;
  memset (&ctx, 0x5a, sizeof ctx); /* init must not read what was there */
  pp_context_init (&ctx);
  assert_int_equal (ctx.log_level, PP_LOG_WARNING);
  assert_ptr_equal (ctx.log_stream, stderr);
  assert_non_null (ctx.root);
  assert_non_null (ctx.runroot);
  assert_int_equal (ctx.root[0], '/');
  assert_int_equal (ctx.runroot[0], '/');
  if (geteuid () == 0)
    {
      assert_string_equal (ctx.root, "/var/lib/podplay");
      assert_string_equal (ctx.runroot, "/run/podplay");
    }
  pp_context_release (&ctx);
  assert_null (ctx.root);
  assert_null (ctx.runroot);
}

/* The XDG defaults, as a non-root user sees them; returns the first mismatch, or NULL. */
static const char *
rootless_defaults_problem (void)
{
  pp_context_t ctx;
  setenv ("XDG_DATA_HOME", "/xdg/data", 1);
  setenv ("XDG_RUNTIME_DIR", "/xdg/run", 1);
  pp_context_init (&ctx);
  bool ok = strcmp (ctx.root, "/xdg/data/podplay") == 0 && strcmp (ctx.runroot, "/xdg/run/podplay") == 0;
  pp_context_release (&ctx);
  if (!ok)
    return "absolute XDG directories are not used";

  /* Relative XDG values are ignored, as the XDG specification says. */
  setenv ("XDG_DATA_HOME", "rel/data", 1);
  setenv ("XDG_RUNTIME_DIR", "rel/run", 1);
  setenv ("HOME", "/home/u", 1);
  pp_context_init (&ctx);
  cleanup_free char *rr = xasprintf ("/tmp/podplay-%u", (unsigned) geteuid ());
  ok = strcmp (ctx.root, "/home/u/.local/share/podplay") == 0 && strcmp (ctx.runroot, rr) == 0;
  pp_context_release (&ctx);
  return ok ? NULL : "relative XDG directories are not ignored";
}

static void
test_context_rootless (void **state PP_UNUSED)
{
  if (geteuid () != 0)
    {
      const char *problem = rootless_defaults_problem ();
      if (problem)
        fail_msg ("%s", problem);
      return;
    }
  /* As root, a child that becomes nobody checks what a rootless user gets. */
  pid_t pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      if (setresgid (65534, 65534, 65534) < 0 || setresuid (65534, 65534, 65534) < 0)
        _exit (2);
      const char *problem = rootless_defaults_problem ();
      if (problem)
        fprintf (stderr, "rootless: %s\n", problem);
      _exit (problem ? 1 : 0);
    }
  int status = 0;
  assert_int_equal (waitpid (pid, &status, 0), pid);
  assert_true (WIFEXITED (status));
  assert_int_equal (WEXITSTATUS (status), 0);
}

static void
test_context_set_root (void **state PP_UNUSED)
{
  pp_context_t ctx;
  pp_context_init (&ctx);
  char buf[] = "/srv/podplay";
  pp_context_set_root (&ctx, buf);
  buf[1] = 'X'; /* the context keeps its own copy */
  assert_string_equal (ctx.root, "/srv/podplay");
  pp_context_set_runroot (&ctx, "/run/user/1000/podplay");
  assert_string_equal (ctx.runroot, "/run/user/1000/podplay");
  pp_context_set_root (&ctx, "/other");
  assert_string_equal (ctx.root, "/other");
  pp_context_release (&ctx);
  pp_context_release (&ctx); /* twice is harmless */
}

static void
test_context_set_root_to_itself (void **state PP_UNUSED)
{
  /* Setting a root to the value it already holds must not read freed memory. */
  pp_context_t ctx;
  pp_context_init (&ctx);
  pp_context_set_root (&ctx, "/same");
  pp_context_set_root (&ctx, ctx.root);
  assert_string_equal (ctx.root, "/same");
  pp_context_set_runroot (&ctx, ctx.runroot);
  assert_non_null (ctx.runroot);
  assert_int_equal (ctx.runroot[0], '/');
  pp_context_release (&ctx);
}

/* A table printed to a string. */
static char *
table_text (const pp_table_t *t, const pp_table_opts_t *o, pp_error_t *err)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  assert_non_null (f);
  int ret = pp_table_print (t, o, f, err);
  fclose (f);
  if (ret < 0)
    {
      free (buf);
      return NULL;
    }
  return buf;
}

/* Columns as wide as their widest value (in characters, not bytes), two spaces apart, the last unpadded; IDs cut
   to 12 unless no_trunc; a template's fields, with \t as a column break and "table" for headers; an unknown
   field named with the known ones. */
static void
test_table (void **state)
{
  (void) state;
  static const pp_table_col_t cols[] = {
    { "ID", "ID", true, 12 }, { "Name", "NAME", true, 0 }, { "Status", "STATUS", true, 0 }, { "Hidden", "HIDDEN", false, 0 },
  };
  pp_table_t t;
  pp_table_init (&t, cols, PP_N_ELEMENTS (cols));
  const char *r1[] = { "0123456789abcdef", "recommendationservice-1", "Running", "h1" };
  const char *r2[] = { "fedcba9876543210", "caf\u00e9", NULL, "h2" };
  pp_table_add (&t, r1);
  pp_table_add (&t, r2);
  cleanup_error pp_error_t err = NULL;
  cleanup_free char *deflt = table_text (&t, &(pp_table_opts_t){ 0 }, &err);
  assert_string_equal (deflt, "ID            NAME                     STATUS\n"
                              "0123456789ab  recommendationservice-1  Running\n"
                              "fedcba987654  caf\u00e9                     \n");
  cleanup_free char *whole = table_text (&t, &(pp_table_opts_t){ .format = "{{.ID}} {{ .Hidden }}", .no_trunc = true }, &err);
  assert_string_equal (whole, "0123456789abcdef h1\nfedcba9876543210 h2\n");
  cleanup_free char *tab = table_text (&t, &(pp_table_opts_t){ .format = "table {{.Name}}\\t{{.Hidden}}" }, &err);
  assert_string_equal (tab, "NAME                     HIDDEN\nrecommendationservice-1  h1\ncaf\u00e9                     h2\n");
  cleanup_free char *bare = table_text (&t, &(pp_table_opts_t){ .format = "table {{.Name}}", .noheading = true }, &err);
  assert_string_equal (bare, "recommendationservice-1\ncaf\u00e9\n");
  assert_null (table_text (&t, &(pp_table_opts_t){ .format = "{{.Nope}}" }, &err));
  assert_string_equal (err->msg, "--format: no field `{{.Nope}}`: the fields are .ID, .Name, .Status, .Hidden");
  assert_int_equal (pp_table_width ("caf\u00e9"), 4);
  pp_table_release (&t);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_error_make),
    cmocka_unit_test (test_error_make_no_errno),
    cmocka_unit_test (test_error_make_keeps_errno),
    cmocka_unit_test (test_error_first_wins),
    cmocka_unit_test (test_error_make_null_err),
    cmocka_unit_test (test_error_wrap),
    cmocka_unit_test (test_error_wrap_empty),
    cmocka_unit_test (test_error_release_twice),
    cmocka_unit_test (test_error_cleanup),
    cmocka_unit_test (test_error_print),
    cmocka_unit_test (test_error_long_message),
    cmocka_unit_test (test_buf_append),
    cmocka_unit_test (test_buf_empty_append_terminates),
    cmocka_unit_test (test_buf_binary),
    cmocka_unit_test (test_buf_puts_printf),
    cmocka_unit_test (test_buf_grows),
    cmocka_unit_test (test_buf_printf_long),
    cmocka_unit_test (test_buf_reset),
    cmocka_unit_test (test_edit_distance_basic),
    cmocka_unit_test (test_edit_distance_case),
    cmocka_unit_test (test_edit_distance_bounded),
    cmocka_unit_test (test_edit_distance_long),
    cmocka_unit_test (test_edit_distance_huge_identical),
    cmocka_unit_test (test_edit_distance_matches_reference),
    cmocka_unit_test (test_log_level_parse),
    cmocka_unit_test (test_log_level_name),
    cmocka_unit_test (test_log_filters),
    cmocka_unit_test (test_context_init),
    cmocka_unit_test (test_context_rootless),
    cmocka_unit_test (test_context_set_root),
    cmocka_unit_test (test_context_set_root_to_itself),
    cmocka_unit_test (test_table),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
