/* `system prune` and `system df`: what no running pod needs, removed or counted. */
#include "play/prune.h"
#include "core/file.h"
#include "core/log.h"
#include "image/store.h"
#include "net/network.h"
#include "play/job.h"
#include "play/lock.h"
#include "play/play.h"
#include "runtime/namedvol.h"
#include "runtime/pod.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Whether `pod` (a name or an id) runs: what a prune leaves, and what it frees is the rest. */
static bool
pod_runs (pp_state_t *state, const char *pod)
{
  pp_pod_rec_t p;
  if (state == NULL || pp_state_pod_get (state, pod, &p, NULL) < 0)
    return false;
  bool runs = p.owner != NULL || pp_pod_monitor_alive (&p);
  pp_pod_rec_release (&p);
  return runs;
}

/* What uses the image: a container, or an image volume of a pod; with `running`, of a pod that runs (or a Job's,
   which prune leaves) alone.  What cannot be read may use it: the answer is then a user, never "nothing". */
static char *
image_user_in (pp_context_t *ctx, pp_state_t *state, const char *id, bool running)
{
  if (state == NULL)
    return xstrdup ("the pods of a state that could not be read");
  pp_container_rec_t *cs = NULL;
  size_t n = 0;
  char *user = NULL;
  if (pp_state_container_list (state, NULL, &cs, &n, NULL) < 0)
    user = xstrdup ("containers whose records could not be read");
  else
    for (size_t i = 0; i < n && user == NULL; i++)
      if (strcmp (cs[i].image_id, id) == 0 && (!running || pod_runs (state, cs[i].pod_id)))
        {
          pp_pod_rec_t pod;
          if (pp_state_pod_get (state, cs[i].pod_id, &pod, NULL) == 0)
            {
              user = xasprintf ("container %s-%s", pod.name, cs[i].name);
              pp_pod_rec_release (&pod);
            }
        }
  pp_container_recs_free (cs, n);
  pp_pod_rec_t *pods = NULL;
  size_t n_pods = 0;
  if (user == NULL && pp_state_pod_list (state, &pods, &n_pods, NULL) < 0)
    user = xstrdup ("pods whose records could not be read");
  else
    for (size_t i = 0; i < n_pods && user == NULL; i++)
      {
        if (running && !pod_runs (state, pods[i].id))
          continue;
        json_t *plan = pp_pod_read_plan (ctx, pods[i].id, NULL);
        if (plan == NULL)
          {
            /* A pod being made has no plan yet. */
            user = xasprintf ("pod %s (its plan could not be read)", pods[i].name);
            break;
          }
        size_t k;
        json_t *v;
        json_array_foreach (json_object_get (plan, "imageVolumes"), k, v)
        {
          if (user == NULL && strcmp (json_string_value (json_object_get (v, "id")) ?: "", id) == 0)
            user = xasprintf ("volume %s of pod %s", json_string_value (json_object_get (v, "name")) ?: "",
                              pods[i].name);
        }
        json_decref (plan);
      }
  pp_pod_recs_free (pods, n_pods);
  return user;
}

char *
pp_image_user (pp_context_t *ctx, const char *id)
{
  pp_state_t *state = NULL;
  pp_state_open (ctx, &state, NULL);
  char *user = image_user_in (ctx, state, id, false);
  pp_state_close (state);
  return user;
}

/* Bytes below the directory `path` (0 when it cannot be opened). */
static int64_t
usage_of (const char *path)
{
  cleanup_close int fd = open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  return fd >= 0 ? pp_disk_usage (fd) : 0;
}

/* Keeps the first error; logs the others, as warnings. */
static void
note_error (pp_context_t *ctx, pp_error_t *first, pp_error_t *e)
{
  if (*first == NULL)
    *first = *e;
  else
    {
      pp_warning (ctx, "%s", (*e)->msg);
      pp_error_release (e);
    }
  *e = NULL;
}

/* Finished Jobs (their controllers gone), with their pods.  A Job a play starts has no controller for a moment:
   each is looked at again under its play file's lock, which the play holds until the controller runs.  Whether
   one still runs: the networks stay while it does (it makes pods in one). */
static bool
prune_jobs (pp_context_t *ctx, pp_state_t *state, pp_prune_report_t *r, pp_error_t *first)
{
  pp_job_rec_t *js = NULL;
  size_t n = 0;
  pp_error_t e = NULL;
  bool running = false;
  if (pp_state_job_list (state, NULL, &js, &n, &e) < 0)
    {
      note_error (ctx, first, &e);
      return true;
    }
  for (size_t i = 0; i < n; i++)
    {
      if (pp_job_controller_alive (&js[i]))
        {
          running = true;
          continue;
        }
      pp_play_lock_t lock = { 0 };
      if (js[i].play_file && pp_play_lock (ctx, &js[i].play_file, 1, NULL, &lock, &e) < 0)
        {
          note_error (ctx, first, &e);
          running = true;
          continue;
        }
      pp_job_rec_t *now = NULL;
      size_t m = 0;
      if (pp_state_job_list (state, js[i].name, &now, &m, NULL) == 0 && m == 1 && pp_job_controller_alive (&now[0]))
        running = true;
      else if (m == 1 && pp_job_remove (ctx, js[i].name, &e) < 0)
        note_error (ctx, first, &e);
      else if (m == 1)
        pp_strs_add (&r->jobs, js[i].name);
      pp_job_recs_free (now, m);
      pp_play_unlock (&lock);
    }
  pp_job_recs_free (js, n);
  return running;
}

/* Whether the pod is one to prune: not a Job's (its Job goes with its pods), and its monitor does not run. */
static bool
stopped (const pp_pod_rec_t *pod)
{
  return pod->owner == NULL && !pp_pod_monitor_alive (pod);
}

/* Pods whose monitors do not run (created, exited, killed), a Job's left to its Job; a `run` pod's manifest with it.
   A pod a play is making has no monitor yet: each is looked at again under its play file's lock, which a play
   holds until its pods run (or are gone). */
static void
prune_pods (pp_context_t *ctx, pp_state_t *state, pp_prune_report_t *r, pp_error_t *first)
{
  pp_pod_rec_t *pods = NULL;
  size_t n = 0;
  pp_error_t e = NULL;
  if (pp_state_pod_list (state, &pods, &n, &e) < 0)
    return note_error (ctx, first, &e);
  for (size_t i = 0; i < n; i++)
    {
      if (!stopped (&pods[i]))
        continue;
      pp_play_lock_t lock = { 0 };
      if (pods[i].play_file && pp_play_lock (ctx, &pods[i].play_file, 1, NULL, &lock, &e) < 0)
        {
          note_error (ctx, first, &e);
          continue;
        }
      pp_pod_rec_t now;
      if (pp_state_pod_get (state, pods[i].id, &now, NULL) == 0)
        {
          cleanup_free char *run = stopped (&now) ? pp_run_manifest_of (ctx, &now) : NULL;
          if (!stopped (&now))
            ;
          else if (pp_pod_remove (ctx, now.id, 0, &e) < 0)
            note_error (ctx, first, &e);
          else
            {
              if (run)
                unlink (run);
              pp_strs_add (&r->pods, now.name);
            }
          pp_pod_rec_release (&now);
        }
      pp_play_unlock (&lock);
    }
  pp_pod_recs_free (pods, n);
}

/* Networks no pod is in, but the default one, as Podman keeps its own. */
static void
prune_networks (pp_context_t *ctx, pp_state_t *state, pp_prune_report_t *r, pp_error_t *first)
{
  pp_network_rec_t *nets = NULL;
  size_t n = 0;
  pp_error_t e = NULL;
  if (pp_state_network_list (state, NULL, &nets, &n, &e) < 0)
    return note_error (ctx, first, &e);
  for (size_t i = 0; i < n; i++)
    if (nets[i].pods == 0 && strcmp (nets[i].name, PP_NETWORK_DEFAULT) != 0)
      {
        if (pp_network_remove (ctx, state, nets[i].name, &e) < 0)
          note_error (ctx, first, &e);
        else
          pp_strs_add (&r->networks, nets[i].name);
      }
  pp_network_recs_free (nets, n);
}

/* Volumes no pod mounts.  A play makes a claim's volume before the pods that mount it: each is removed under the
   lock of the play that made it, where pp_namedvol_remove looks at its users again (and refuses while there are). */
static void
prune_volumes (pp_context_t *ctx, pp_prune_report_t *r, pp_error_t *first)
{
  pp_error_t e = NULL;
  json_t *vols = pp_namedvol_list (ctx, &e);
  if (vols == NULL)
    return note_error (ctx, first, &e);
  size_t i;
  json_t *v;
  json_array_foreach (vols, i, v)
  {
    const char *name = json_string_value (json_object_get (v, "name"));
    const char *pf = json_string_value (json_object_get (v, "playFile"));
    cleanup_free char *play = pf ? xstrdup (pf) : NULL;
    if (name == NULL || json_array_size (json_object_get (v, "usedBy")) > 0)
      continue;
    pp_play_lock_t lock = { 0 };
    if (play && pp_play_lock (ctx, &play, 1, NULL, &lock, &e) < 0)
      note_error (ctx, first, &e);
    else if (pp_namedvol_remove (ctx, name, &e) == 0)
      pp_strs_add (&r->volumes, name);
    else if (e->status == EBUSY)
      pp_error_release (&e); /* a pod took it meanwhile */
    else
      note_error (ctx, first, &e);
    pp_play_unlock (&lock);
  }
  json_decref (vols);
}

static void
prune_images (pp_context_t *ctx, bool all, pp_prune_report_t *r, pp_error_t *first)
{
  pp_store_t store;
  pp_image_t *ims = NULL;
  size_t n = 0;
  pp_error_t e = NULL;
  if (pp_store_open (ctx, &store, &e) < 0 || pp_store_list (&store, &ims, &n, &e) < 0)
    {
      pp_store_close (&store);
      return note_error (ctx, first, &e);
    }
  pp_state_t *state = NULL;
  pp_state_open (ctx, &state, NULL);
  for (size_t i = 0; i < n; i++)
    {
      if (!all && ims[i].n_names > 0)
        continue;
      cleanup_free char *user = image_user_in (ctx, state, ims[i].id, false);
      if (user)
        continue;
      if (pp_store_remove (&store, &ims[i], &e) < 0)
        note_error (ctx, first, &e);
      else
        pp_strs_add (&r->images, ims[i].id);
    }
  pp_state_close (state);
  pp_images_free (ims, n);
  pp_store_close (&store);
}

int
pp_system_prune (pp_context_t *ctx, const pp_prune_opts_t *opts, pp_prune_report_t *r, pp_error_t *err)
{
  memset (r, 0, sizeof *r);
  int64_t before = usage_of (ctx->root);
  pp_state_t *state;
  if (pp_state_open (ctx, &state, err) < 0)
    return -1;
  pp_error_t first = NULL;
  bool jobs_run = prune_jobs (ctx, state, r, &first);
  prune_pods (ctx, state, r, &first);
  if (!jobs_run)
    prune_networks (ctx, state, r, &first);
  pp_state_close (state);
  if (opts->volumes)
    prune_volumes (ctx, r, &first);
  prune_images (ctx, opts->all_images, r, &first);
  int64_t after = usage_of (ctx->root);
  r->reclaimed = before > after ? before - after : 0;
  if (first)
    {
      *err = first;
      return -1;
    }
  return 0;
}

void
pp_prune_report_release (pp_prune_report_t *r)
{
  pp_strs_free (&r->pods);
  pp_strs_free (&r->jobs);
  pp_strs_free (&r->networks);
  pp_strs_free (&r->volumes);
  pp_strs_free (&r->images);
}

static void
df_images (pp_context_t *ctx, pp_state_t *state, pp_df_row_t *row, pp_error_t *first)
{
  pp_store_t store;
  pp_image_t *ims = NULL;
  size_t n = 0;
  pp_error_t e = NULL;
  if (pp_store_open (ctx, &store, &e) < 0 || pp_store_list (&store, &ims, &n, &e) < 0)
    {
      pp_store_close (&store);
      return note_error (ctx, first, &e);
    }
  row->total = (int64_t) n;
  row->size = pp_disk_usage (store.blobs_fd) + pp_disk_usage (store.layers_fd);
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *user = image_user_in (ctx, state, ims[i].id, true);
      if (user)
        row->active++;
      else
        row->reclaimable += ims[i].size;
    }
  /* Images share layers: what the unused ones name can pass what is on disk. */
  if (row->reclaimable > row->size)
    row->reclaimable = row->size;
  pp_images_free (ims, n);
  pp_store_close (&store);
}

/* Containers: each one's folder (bundle, overlay upper and work, log); a pod that does not run frees its own. */
static void
df_containers (pp_context_t *ctx, pp_state_t *state, pp_df_row_t *row, pp_error_t *first)
{
  pp_error_t e = NULL;
  pp_pod_rec_t *pods = NULL;
  size_t n = 0;
  if (state == NULL)
    return; /* the open's error is noted */
  if (pp_state_pod_list (state, &pods, &n, &e) < 0)
    return note_error (ctx, first, &e);
  for (size_t i = 0; i < n; i++)
    {
      pp_container_rec_t *cs = NULL;
      size_t nc = 0;
      if (pp_state_container_list (state, pods[i].id, &cs, &nc, NULL) < 0)
        continue;
      bool runs = pp_pod_monitor_alive (&pods[i]);
      for (size_t k = 0; k < nc; k++)
        {
          cleanup_free char *dir = pp_ctr_datadir (ctx, cs[k].id);
          int64_t size = usage_of (dir);
          row->total++;
          row->size += size;
          if (runs && pp_ctr_alive (&cs[k]))
            row->active++;
          if (!runs && pods[i].owner == NULL)
            row->reclaimable += size;
        }
      pp_container_recs_free (cs, nc);
    }
  pp_pod_recs_free (pods, n);
}

static void
df_volumes (pp_context_t *ctx, pp_state_t *state, pp_df_row_t *row, pp_error_t *first)
{
  pp_error_t e = NULL;
  json_t *vols = pp_namedvol_list (ctx, &e);
  if (vols == NULL)
    return note_error (ctx, first, &e);
  size_t i;
  json_t *v;
  json_array_foreach (vols, i, v)
  {
    const char *mp = json_string_value (json_object_get (v, "mountpoint"));
    int64_t size = mp ? usage_of (mp) : 0;
    row->total++;
    row->size += size;
    bool used = false;
    size_t k;
    json_t *u;
    json_array_foreach (json_object_get (v, "usedBy"), k, u)
      used |= pod_runs (state, json_string_value (u) ?: "");
    if (used)
      row->active++;
    else
      row->reclaimable += size;
  }
  json_decref (vols);
}

int
pp_system_df (pp_context_t *ctx, pp_df_t *df, pp_error_t *err)
{
  memset (df, 0, sizeof *df);
  pp_error_t first = NULL;
  pp_state_t *state = NULL;
  pp_error_t e = NULL;
  if (pp_state_open (ctx, &state, &e) < 0)
    note_error (ctx, &first, &e);
  df_images (ctx, state, &df->images, &first);
  df_containers (ctx, state, &df->containers, &first);
  df_volumes (ctx, state, &df->volumes, &first);
  pp_state_close (state);
  if (first)
    {
      *err = first;
      return -1;
    }
  return 0;
}
