/* `kube play --watch`: the play, then a play again each time a file is saved, until Ctrl-C; the pods run on. */
#include "net/infra.h"
#include "play/play.h"
#include "play/watch.h"
#include "schema/manifest.h"
#include "src/cli/cli.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* An editor writes a file several times, or writes a new one, renames and removes an old: a play starts once
   no event came for QUIET_MS, or MAX_WAIT_MS after the first whatever follows. */
#define QUIET_MS 100
#define MAX_WAIT_MS 500

typedef struct
{
  pp_cli_t *cli;
  char *const *args;
  size_t n_args;
  pp_play_opts_t *po;
  bool json;
  FILE *note;    /* where the lines of the watch itself go: stdout, stderr under --format json */
  char **played; /* the files the last play read (a directory's, as found then) */
  size_t n_played;
} watch_t;

static bool
listed (char *const *v, size_t n, const char *s)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (v[i], s) == 0)
      return true;
  return false;
}

/* The files of a directory argument that the last play read and that are gone: their pods go with them, as
   `kube down` of those files takes them (a file renamed in the directory plays its pods anew under its new
   name, which the old one's would clash with). */
static void
down_gone (watch_t *wt, char *const *paths, size_t n)
{
  cleanup_strv char **gone = xzalloc ((wt->n_played + 1) * sizeof (char *));
  size_t n_gone = 0;
  for (size_t i = 0; i < wt->n_played; i++)
    if (!listed (paths, n, wt->played[i]))
      gone[n_gone++] = xstrdup (wt->played[i]);
  if (n_gone == 0)
    return;
  pp_error_t err = NULL;
  pp_play_result_t res = { 0 };
  /* An ordinary user's pods are in the user's pod network, where `kube down` runs (the play entered it). */
  int ret = pp_infra_enter (wt->cli->ctx, false, &err);
  if (ret == 0)
    ret = pp_kube_down (wt->cli->ctx, gone, n_gone, false, &res, &err);
  if (wt->json)
    pp_cli_print_play (stdout, &res, true);
  else
    pp_cli_print_down (stdout, &res, gone, n_gone, ret == 0);
  pp_play_result_release (&res);
  if (ret < 0)
    pp_cli_fail (&err);
}

/* One play of the arguments as they are now (a directory's files found again): what it did, or its errors;
   a failure is reported and leaves what ran before running. */
static int
play_now (watch_t *wt, pp_error_t *err)
{
  char **paths = NULL;
  size_t n = 0;
  if (pp_manifest_expand ((const char *const *)wt->args, wt->n_args, false, &paths, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      struct stat st;
      if (stat (paths[i], &st) < 0 && errno == ENOENT)
        {
          fprintf (wt->note, "%s is not there: its pods run on as they are; played once it is back\n", paths[i]);
          pp_manifest_paths_free (paths, n);
          return 0;
        }
    }
  down_gone (wt, paths, n);
  pp_manifest_paths_free (wt->played, wt->n_played);
  wt->played = paths;
  wt->n_played = n;
  return pp_cli_play_files (wt->cli, paths, n, wt->po, wt->json, err);
}

static void
replay (watch_t *wt, char **changed)
{
  char when[32];
  time_t now = time (NULL);
  struct tm tm;
  strftime (when, sizeof when, "%H:%M:%S", localtime_r (&now, &tm));
  fprintf (wt->note, "%s: ", when);
  for (size_t i = 0; changed[i]; i++)
    fprintf (wt->note, "%s%s", i ? ", " : "", changed[i]);
  fprintf (wt->note, " changed: playing again\n");
  fflush (wt->note);
  pp_error_t err = NULL;
  if (play_now (wt, &err) < 0)
    pp_cli_fail (&err);
  fflush (stdout);
  fflush (stderr);
}

/* Events that wait, read; whether any concerns a watched file.  A folder gone is said once. */
static int
read_events (watch_t *wt, pp_watch_t *w, pp_error_t *err)
{
  cleanup_free char *lost = NULL;
  int hits = pp_watch_read (w, &lost, err);
  if (lost)
    fprintf (wt->note, "the folder `%s` is gone or moved: its files are watched no more\n", lost);
  return hits;
}

/* Waits for a save, and for the events that follow it (QUIET_MS): 1 then, 0 for a signal, -1 on an error. */
static int
wait_change (watch_t *wt, pp_watch_t *w, int sfd, pp_error_t *err)
{
  struct pollfd fds[2] = { { .fd = sfd, .events = POLLIN }, { .fd = pp_watch_fd (w), .events = POLLIN } };
  int64_t first = -1, quiet = -1;
  for (;;)
    {
      int64_t now = pp_now_ms ();
      int64_t until = first < 0 ? -1 : quiet < first + MAX_WAIT_MS ? quiet : first + MAX_WAIT_MS;
      int r = poll (fds, 2, until < 0 ? -1 : until > now ? (int)(until - now) : 0);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return pp_error_make (err, errno, "poll");
      if (fds[0].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          if (read (sfd, &si, sizeof si) == sizeof si)
            return 0;
        }
      if (r == 0)
        return 1;
      if (fds[1].revents & POLLIN)
        {
          int hits = read_events (wt, w, err);
          if (hits < 0)
            return -1;
          if (hits > 0 && first < 0)
            first = pp_now_ms ();
          if (hits > 0)
            quiet = pp_now_ms () + QUIET_MS;
        }
    }
}

static void
say_watching (watch_t *wt)
{
  fprintf (wt->note, "watching ");
  for (size_t i = 0; i < wt->n_args; i++)
    fprintf (wt->note, "%s%s", i ? ", " : "", wt->args[i]);
  fprintf (wt->note, " (Ctrl-C ends the watch; the pods run on)\n");
  fflush (wt->note);
  fflush (stdout);
}

int
pp_cli_play_watch (pp_cli_t *cli, char *const *args, size_t n_args, pp_play_opts_t *po, bool json)
{
  watch_t wt = { cli, args, n_args, po, json, json ? stderr : stdout, NULL, 0 };
  pp_error_t err = NULL;
  pp_watch_t *w = NULL;
  /* Watched before the first play: a save while it runs is played after it. */
  if (pp_watch_new (args, n_args, &w, &err) < 0)
    return pp_cli_fail (&err);
  int ret = play_now (&wt, &err);
  /* Ctrl-C stops the first play as any play's, which removes what it made. */
  if (ret < 0 && *po->interrupted)
    {
      pp_watch_free (w);
      pp_manifest_paths_free (wt.played, wt.n_played);
      return pp_cli_fail (&err);
    }
  if (ret < 0)
    pp_cli_fail (&err);
  /* From here a signal is read between plays, never while one runs: a play is never left half done.  What a play
     starts does not inherit the mask (pp_spawn_detached; the monitors and Job controllers block their own). */
  sigset_t mask;
  sigemptyset (&mask);
  sigaddset (&mask, SIGINT);
  sigaddset (&mask, SIGTERM);
  sigaddset (&mask, SIGHUP);
  sigprocmask (SIG_BLOCK, &mask, NULL);
  cleanup_close int sfd = signalfd (-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  int status = PP_EXIT_OK;
  if (sfd < 0)
    pp_error_make (&err, errno, "signalfd");
  /* Re-plays leave unchanged pods alone: --replace was the first play's. */
  po->replace = false;
  if (sfd >= 0 && !*po->interrupted)
    say_watching (&wt);
  while (sfd >= 0 && !*po->interrupted)
    {
      int r = wait_change (&wt, w, sfd, &err);
      if (r <= 0)
        {
          if (r < 0)
            status = pp_cli_fail (&err);
          break;
        }
      cleanup_strv char **changed = pp_watch_take (w);
      replay (&wt, changed);
    }
  if (err)
    status = pp_cli_fail (&err);
  if (status == PP_EXIT_OK)
    fprintf (wt.note, "the watch ended; the pods run on\n");
  pp_watch_free (w);
  pp_manifest_paths_free (wt.played, wt.n_played);
  return status;
}
