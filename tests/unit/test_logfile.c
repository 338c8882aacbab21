/* src/runtime/logfile.c: k8s-file records read back, several logs merged by time, --tail per log, labels. */
#include "unit.h"

#include "runtime/logfile.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef struct
{
  char dir[64];
  int out, err; /* files the set prints to */
} fixture_t;

static int
setup (void **state)
{
  fixture_t *f = xzalloc (sizeof *f);
  snprintf (f->dir, sizeof f->dir, "/tmp/pp-logfile-XXXXXX");
  if (mkdtemp (f->dir) == NULL)
    return -1;
  f->out = memfd_create ("out", MFD_CLOEXEC);
  f->err = memfd_create ("err", MFD_CLOEXEC);
  *state = f;
  return f->out < 0 || f->err < 0 ? -1 : 0;
}

static int
teardown (void **state)
{
  fixture_t *f = *state;
  cleanup_free char *cmd = xasprintf ("rm -rf '%s'", f->dir);
  if (system (cmd) != 0)
    return -1;
  close (f->out);
  close (f->err);
  free (f);
  return 0;
}

/* Appends `text` (records, one a line) to the log `name` of the fixture; returns its path. */
static char *
append_log (fixture_t *f, const char *name, const char *text)
{
  char *path = xasprintf ("%s/%s", f->dir, name);
  FILE *fp = fopen (path, "a");
  assert_non_null (fp);
  fputs (text, fp);
  fclose (fp);
  return path;
}

/* What was printed to `fd` since the last call. */
static char *
printed (int fd)
{
  off_t len = lseek (fd, 0, SEEK_END);
  char *s = xzalloc ((size_t) len + 1);
  assert_int_equal (pread (fd, s, (size_t) len, 0), len);
  assert_int_equal (ftruncate (fd, 0), 0);
  lseek (fd, 0, SEEK_SET);
  return s;
}

#define T(n) "2026-11-28T10:00:0" #n ".000000000Z"

static void
test_parse (void **state PP_UNUSED)
{
  pp_log_record_t rec;
  const char *line = T (1) " stderr P half";
  assert_true (pp_log_parse (line, strlen (line), &rec));
  assert_string_equal (rec.ts, T (1));
  assert_int_equal (rec.stream, PP_LOG_STDERR);
  assert_true (rec.partial);
  assert_int_equal (rec.len, 4);
  assert_memory_equal (rec.text, "half", 4);
  assert_false (pp_log_parse ("garbage", 7, &rec));
  assert_false (pp_log_parse (T (1) " stdin F x", strlen (T (1) " stdin F x"), &rec));
}

/* Two logs: the lines of both in the order of their times, each labelled; stderr records to the other fd. */
static void
test_merge_by_time (void **state)
{
  fixture_t *f = *state;
  cleanup_free char *a = append_log (f, "a", T (1) " stdout F a1\n" T (4) " stdout F a4\n" T (5) " stderr F a5\n");
  cleanup_free char *b = append_log (f, "b", T (2) " stdout F b2\n" T (3) " stdout F b3\n" T (6) " stdout F b6\n");
  pp_log_set_t set = { .opts = { .tail = -1 }, .fds = { f->out, f->err } };
  pp_log_set_add (&set, "a", "web", a);
  pp_log_set_add (&set, "b", "side", b);
  pp_log_set_add (&set, "a", "again", a); /* a key already there: nothing added */
  assert_int_equal (set.n, 2);
  pp_error_t err = NULL;
  assert_int_equal (pp_log_set_follow (&set, NULL, NULL, &err), 0);
  cleanup_free char *out = printed (f->out);
  cleanup_free char *errs = printed (f->err);
  assert_string_equal (out, "web | a1\nside | b2\nside | b3\nweb | a4\nside | b6\n");
  assert_string_equal (errs, "web | a5\n");
  pp_log_set_release (&set);
}

/* --tail N applies to each log; timestamps come after the label; lines added later are read from where the
   last read stopped. */
static void
test_tail_per_log_and_more (void **state)
{
  fixture_t *f = *state;
  cleanup_free char *a = append_log (f, "a", T (1) " stdout F a1\n" T (3) " stdout F a3\n");
  cleanup_free char *b = append_log (f, "b", T (2) " stdout F b2\n" T (4) " stdout F b4\n");
  pp_log_set_t set = { .opts = { .tail = 1, .timestamps = true }, .fds = { f->out, f->err } };
  pp_log_set_add (&set, "a", "a", a);
  pp_log_set_add (&set, "b", "b", b);
  pp_error_t err = NULL;
  assert_int_equal (pp_log_set_read (&set, false, &err), 0);
  cleanup_free char *first = printed (f->out);
  assert_string_equal (first, "a | " T (3) " a3\nb | " T (4) " b4\n");
  free (append_log (f, "b", T (5) " stdout F b5\n"));
  free (append_log (f, "a", T (6) " stdout F a6\n"));
  assert_int_equal (pp_log_set_read (&set, false, &err), 0);
  cleanup_free char *second = printed (f->out);
  assert_string_equal (second, "b | " T (5) " b5\na | " T (6) " a6\n");
  pp_log_set_release (&set);
}

/* A line in pieces (P records) is one line, however the pieces come; one the writer left unfinished waits
   until it is known to be the last, then is printed without its newline (unlabelled). */
static void
test_partial_lines (void **state)
{
  fixture_t *f = *state;
  cleanup_free char *a = append_log (f, "a", T (1) " stdout P hel\n" T (2) " stderr F oops\n");
  pp_log_set_t set = { .opts = { .tail = -1 }, .fds = { f->out, f->err } };
  pp_log_set_add (&set, "a", NULL, a);
  pp_error_t err = NULL;
  assert_int_equal (pp_log_set_read (&set, false, &err), 0);
  cleanup_free char *none = printed (f->out);
  assert_string_equal (none, "");
  free (append_log (f, "a", T (3) " stdout F lo\n" T (4) " stdout P no newline\n" T (5) " stdout F x"));
  assert_int_equal (pp_log_set_read (&set, true, &err), 0);
  cleanup_free char *out = printed (f->out);
  cleanup_free char *errs = printed (f->err);
  assert_string_equal (out, "hello\nno newline");
  assert_string_equal (errs, "oops\n");
  pp_log_set_release (&set);
}

typedef struct
{
  int calls;
  const char *late;
} watch_t;

static int
count_calls (pp_log_set_t *s, void *data, pp_error_t *err)
{
  (void) err;
  watch_t *w = data;
  /* The callback may add logs, even one not written yet. */
  if (w->calls++ == 0)
    pp_log_set_add (s, "late", "late", w->late);
  return w->calls < 3;
}

/* With follow, `alive` is asked before each read; the read after it says no is the last. */
static void
test_follow_until_gone (void **state)
{
  fixture_t *f = *state;
  cleanup_free char *a = append_log (f, "a", T (1) " stdout F only\n");
  pp_log_set_t set = { .opts = { .tail = -1, .follow = true }, .fds = { f->out, f->err } };
  pp_log_set_add (&set, "a", NULL, a);
  cleanup_free char *late = xasprintf ("%s/late", f->dir);
  watch_t w = { 0, late };
  pp_error_t err = NULL;
  assert_int_equal (pp_log_set_follow (&set, count_calls, &w, &err), 0);
  assert_int_equal (w.calls, 3);
  assert_int_equal (set.n, 2);
  cleanup_free char *out = printed (f->out);
  assert_string_equal (out, "only\n");
  pp_log_set_release (&set);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_parse),
    cmocka_unit_test_setup_teardown (test_merge_by_time, setup, teardown),
    cmocka_unit_test_setup_teardown (test_tail_per_log_and_more, setup, teardown),
    cmocka_unit_test_setup_teardown (test_partial_lines, setup, teardown),
    cmocka_unit_test_setup_teardown (test_follow_until_gone, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
