/* `kube down`, `pod rm` and `job rm`: what the state database says a play (or a Job) made, stopped and removed. */
#include "play/plan.h"
#include "play/job.h"
#include "runtime/namedvol.h"
#include "runtime/pod.h"

#include <string.h>

/* Removes a pod by its record: the monitor stopped, its containers' leftovers, mounts, files, the record. */
int
pp_play_remove_pod_rec (pp_context_t *ctx, pp_state_t *state, pp_pod_rec_t *pod, int timeout, pp_error_t *err)
{
  if (timeout < 0)
    timeout = pp_pod_grace (ctx, pod->id);
  if (pp_pod_stop (ctx, state, pod, timeout, err) < 0)
    return -1;
  pp_container_rec_t *cs = NULL;
  size_t n = 0;
  if (pp_state_container_list (state, pod->id, &cs, &n, err) < 0)
    return -1;
  int ret = pp_pod_teardown (ctx, pod, cs, n, err);
  pp_container_recs_free (cs, n);
  if (ret == 0)
    ret = pp_state_pod_remove (state, pod->id, err);
  return ret;
}

int
pp_pod_remove (pp_context_t *ctx, const char *what, int timeout, pp_error_t *err)
{
  pp_state_t *state;
  if (pp_state_open (ctx, &state, err) < 0)
    return -1;
  pp_pod_rec_t pod;
  int ret = pp_state_pod_get (state, what, &pod, err);
  if (ret == 0)
    {
      ret = pp_play_remove_pod_rec (ctx, state, &pod, timeout, err);
      pp_pod_rec_release (&pod);
    }
  pp_state_close (state);
  return ret;
}

/* Removes a Job: its controller stopped first (it makes no pod after that), then its pods, then its record. */
int
pp_play_remove_job (pp_context_t *ctx, pp_state_t *state, const pp_job_rec_t *job, pp_error_t *err)
{
  if (pp_job_stop_controller (job, err) < 0)
    return -1;
  cleanup_free char *owner = pp_job_owner (job->name);
  pp_pod_rec_t *pods = NULL;
  size_t n = 0;
  int ret = pp_state_pod_list (state, &pods, &n, err);
  for (size_t i = 0; ret == 0 && i < n; i++)
    if (pods[i].owner && strcmp (pods[i].owner, owner) == 0)
      pp_pod_stop_begin (&pods[i], pp_pod_grace (ctx, pods[i].id));
  for (size_t i = 0; ret == 0 && i < n; i++)
    if (pods[i].owner && strcmp (pods[i].owner, owner) == 0)
      ret = pp_play_remove_pod_rec (ctx, state, &pods[i], -1, err);
  pp_pod_recs_free (pods, n);
  if (ret == 0)
    ret = pp_state_job_remove (state, job->name, err);
  return ret;
}

int
pp_job_remove (pp_context_t *ctx, const char *name, pp_error_t *err)
{
  pp_state_t *state;
  if (pp_state_open (ctx, &state, err) < 0)
    return -1;
  pp_job_rec_t *js = NULL;
  size_t n = 0;
  int ret = pp_state_job_list (state, name, &js, &n, err);
  if (ret == 0 && n == 0)
    ret = pp_error_make (err, ENOENT, "no job `%s`", name);
  if (ret == 0)
    ret = pp_play_remove_job (ctx, state, &js[0], err);
  pp_job_recs_free (js, n);
  pp_state_close (state);
  return ret;
}

bool
pp_jobs_running (pp_context_t *ctx, char *const *paths, size_t n_paths)
{
  pp_state_t *state;
  pp_job_rec_t *js = NULL;
  size_t n = 0;
  bool running = false;
  if (pp_state_open (ctx, &state, NULL) < 0)
    return false;
  if (pp_state_job_list (state, NULL, &js, &n, NULL) == 0)
    for (size_t i = 0; i < n && !running; i++)
      for (size_t k = 0; k < n_paths && !running; k++)
        {
          cleanup_free char *pf = pp_play_file_of (paths[k]);
          running = js[i].play_file && strcmp (js[i].play_file, pf) == 0 && pp_job_controller_alive (&js[i]);
        }
  pp_job_recs_free (js, n);
  pp_state_close (state);
  return running;
}

/* The files a down takes away, as the records name them. */
static char **
play_files (char *const *paths, size_t n)
{
  char **files = xzalloc ((n + 1) * sizeof (char *));
  for (size_t k = 0; k < n; k++)
    files[k] = pp_play_file_of (paths[k]);
  return files;
}

static bool
is_file (const char *play_file, const char *file)
{
  return play_file && strcmp (play_file, file) == 0;
}

/* The pods of the files: every one told to stop first, so that their grace periods run together rather than one
   after another, then each removed. */
static int
down_pods (pp_context_t *ctx, pp_state_t *state, char **files, pp_play_result_t *res, pp_error_t *err)
{
  pp_pod_rec_t *pods = NULL;
  size_t n = 0;
  int ret = pp_state_pod_list (state, &pods, &n, err);
  for (size_t k = 0; ret == 0 && files[k]; k++)
    for (size_t i = 0; i < n; i++)
      if (is_file (pods[i].play_file, files[k]))
        pp_pod_stop_begin (&pods[i], pp_pod_grace (ctx, pods[i].id));
  for (size_t k = 0; ret == 0 && files[k]; k++)
    for (size_t i = 0; ret == 0 && i < n; i++)
      if (is_file (pods[i].play_file, files[k]))
        {
          ret = pp_play_remove_pod_rec (ctx, state, &pods[i], -1, err);
          if (ret == 0)
            pp_play_result_add (res, PP_PLAY_POD, PP_PLAY_REMOVED, pods[i].name, pods[i].id);
        }
  pp_pod_recs_free (pods, n);
  return ret;
}

/* The volumes of the play's claims outlive it, unless --force. */
static int
down_volumes (pp_context_t *ctx, char **files, pp_play_result_t *res, pp_error_t *err)
{
  json_t *vols = pp_namedvol_list (ctx, NULL);
  int ret = 0;
  size_t vi;
  json_t *v;
  json_array_foreach (vols, vi, v)
  {
    const char *vpf = json_string_value (json_object_get (v, "playFile"));
    const char *name = json_string_value (json_object_get (v, "name"));
    for (size_t k = 0; vpf && ret == 0 && files[k]; k++)
      if (strcmp (vpf, files[k]) == 0)
        {
          ret = pp_namedvol_remove (ctx, name, err);
          if (ret == 0)
            pp_play_result_add (res, PP_PLAY_VOLUME, PP_PLAY_REMOVED, name, NULL);
        }
  }
  json_decref (vols);
  return ret;
}

int
pp_kube_down (pp_context_t *ctx, char *const *paths, size_t n_paths, bool force, pp_play_result_t *res, pp_error_t *err)
{
  pp_state_t *state;
  if (pp_state_open (ctx, &state, err) < 0)
    return -1;
  cleanup_strv char **files = play_files (paths, n_paths);
  /* Jobs' controllers stop first, so that no pod is made while the pods go. */
  pp_job_rec_t *jobs = NULL;
  size_t n_jobs = 0;
  int ret = pp_state_job_list (state, NULL, &jobs, &n_jobs, err);
  for (size_t k = 0; ret == 0 && files[k]; k++)
    for (size_t i = 0; ret == 0 && i < n_jobs; i++)
      if (is_file (jobs[i].play_file, files[k]))
        ret = pp_job_stop_controller (&jobs[i], err);
  if (ret == 0)
    ret = down_pods (ctx, state, files, res, err);
  for (size_t k = 0; ret == 0 && files[k]; k++)
    for (size_t i = 0; ret == 0 && i < n_jobs; i++)
      if (is_file (jobs[i].play_file, files[k]))
        {
          ret = pp_state_job_remove (state, jobs[i].name, err);
          if (ret == 0)
            pp_play_result_add (res, PP_PLAY_JOB, PP_PLAY_REMOVED, jobs[i].name, NULL);
        }
  pp_job_recs_free (jobs, n_jobs);
  if (ret == 0 && force)
    ret = down_volumes (ctx, files, res, err);
  pp_state_close (state);
  return ret;
}
