/* play/watch: a file saved in place, renamed over, removed or linked is seen as changed through its folder; other
   names are not; a directory's manifests are, added ones too; a folder gone is said. */
#include "unit.h"

#include "play/watch.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
write_file (const char *path, const char *text)
{
  FILE *f = fopen (path, "w");
  assert_non_null (f);
  fputs (text, f);
  assert_int_equal (fclose (f), 0);
}

/* The changes read now, joined by spaces ("" for none). */
static char *
changes (pp_watch_t *w)
{
  pp_error_t err = NULL;
  int hits = pp_watch_read (w, NULL, &err);
  assert_null (err);
  assert_true (hits >= 0);
  char **v = pp_watch_take (w);
  char *out = xstrdup ("");
  for (size_t i = 0; v[i]; i++)
    {
      char *next = xasprintf ("%s%s%s", out, i ? " " : "", v[i]);
      free (out);
      out = next;
    }
  assert_true ((hits > 0) == (*out != '\0'));
  pp_strv_free (v);
  return out;
}

static void
assert_changes (pp_watch_t *w, const char *want)
{
  cleanup_free char *got = changes (w);
  assert_string_equal (got, want);
}

static void
test_file (void **state)
{
  (void)state;
  char dir[] = "/tmp/pp-watch-XXXXXX";
  assert_non_null (mkdtemp (dir));
  cleanup_free char *app = xasprintf ("%s/app.yaml", dir);
  cleanup_free char *tmp = xasprintf ("%s/.app.yaml.tmp", dir);
  cleanup_free char *other = xasprintf ("%s/other.yaml", dir);
  cleanup_free char *target = xasprintf ("%s/target.yaml", dir);
  write_file (app, "a: 1\n");
  pp_watch_t *w = NULL;
  pp_error_t err = NULL;
  char *args[] = { app };
  assert_int_equal (pp_watch_new (args, 1, &w, &err), 0);
  assert_changes (w, "");
  /* In place, twice: one change. */
  write_file (app, "a: 2\n");
  write_file (app, "a: 3\n");
  assert_changes (w, app);
  /* Another file of the folder: none. */
  write_file (other, "b: 1\n");
  assert_changes (w, "");
  /* Renamed over (vim, sed -i); the temporary file's own writes are not the file's. */
  write_file (tmp, "a: 4\n");
  assert_changes (w, "");
  assert_int_equal (rename (tmp, app), 0);
  assert_changes (w, app);
  /* Removed, then made again: still followed. */
  assert_int_equal (unlink (app), 0);
  assert_changes (w, app);
  write_file (app, "a: 5\n");
  assert_changes (w, app);
  /* A link put in its place is whole as it appears. */
  write_file (target, "a: 6\n");
  assert_changes (w, "");
  assert_int_equal (unlink (app), 0);
  assert_int_equal (symlink (target, app), 0);
  assert_changes (w, app);
  pp_watch_free (w);
  /* Watched through a link: the target's own writes are the file's. */
  assert_int_equal (pp_watch_new (args, 1, &w, &err), 0);
  write_file (target, "a: 7\n");
  assert_changes (w, app);
  pp_watch_free (w);
  unlink (app), unlink (target), unlink (other);
  assert_int_equal (rmdir (dir), 0);
}

static void
test_directory (void **state)
{
  (void)state;
  char dir[] = "/tmp/pp-watch-XXXXXX";
  assert_non_null (mkdtemp (dir));
  cleanup_free char *x = xasprintf ("%s/x.yaml", dir);
  cleanup_free char *y = xasprintf ("%s/y.json", dir);
  cleanup_free char *notes = xasprintf ("%s/notes.txt", dir);
  cleanup_free char *hidden = xasprintf ("%s/.x.yaml.swp", dir);
  cleanup_free char *sub = xasprintf ("%s/sub.yaml", dir);
  pp_watch_t *w = NULL;
  pp_error_t err = NULL;
  char *args[] = { dir };
  assert_int_equal (pp_watch_new (args, 1, &w, &err), 0);
  /* A manifest added, written: named once. */
  write_file (x, "a: 1\n");
  assert_changes (w, x);
  write_file (y, "{}\n");
  write_file (x, "a: 2\n");
  cleanup_free char *both = xasprintf ("%s %s", y, x);
  assert_changes (w, both);
  /* Not manifests: another ending, a hidden file, a folder. */
  write_file (notes, "n\n");
  write_file (hidden, "s\n");
  assert_int_equal (mkdir (sub, 0700), 0);
  assert_changes (w, "");
  /* One removed. */
  assert_int_equal (unlink (y), 0);
  assert_changes (w, y);
  /* The folder gone: said, and nothing is left to watch. */
  unlink (x), unlink (notes), unlink (hidden), rmdir (sub);
  assert_changes (w, x);
  assert_int_equal (rmdir (dir), 0);
  cleanup_free char *lost = NULL;
  assert_int_equal (pp_watch_read (w, &lost, &err), -1);
  assert_non_null (err);
  pp_error_release (&err);
  assert_string_equal (lost, dir);
  pp_watch_free (w);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_file),
    cmocka_unit_test (test_directory),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
