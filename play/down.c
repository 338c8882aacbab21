/* `kube down`, `pod rm` and `job rm`: what the state database says a play (or a Job) made, stopped and removed. */
#include "net/network.h"
#include "net/resolver.h"
#include "net/service.h"
#include "play/plan.h"
#include "play/job.h"
#include "play/lock.h"
#include "runtime/namedvol.h"
#include "runtime/pod.h"
#include "schema/manifest.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool
pp_play_find_monitor (pp_pod_rec_t *pod)
{
  if (pp_pod_monitor_alive (pod))
    return true;
  /* A monitor records its pid (and Running) first thing: only a pod still Created can have one unrecorded. */
  if (strcmp (pod->status, "Created") != 0)
    return false;
  cleanup_dir DIR *proc = opendir ("/proc");
  struct dirent *de;
  while (proc && (de = readdir (proc)) != NULL)
    {
      char *end;
      long pid = strtol (de->d_name, &end, 10);
      if (*end != '\0' || pid <= 0)
        continue;
      pp_pod_rec_t probe = { .id = pod->id, .monitor_pid = pid };
      if (pp_pod_monitor_alive (&probe))
        {
          pod->monitor_pid = pid;
          return true;
        }
    }
  return false;
}

/* Removes a pod by its record: the monitor stopped, its containers' leftovers, mounts, files, the record. */
int
pp_play_remove_pod_rec (pp_context_t *ctx, pp_state_t *state, pp_pod_rec_t *pod, int timeout, pp_error_t *err)
{
  /* The record as it is now, and a monitor that runs though it does not say so yet: one that keeps running would
     start the containers again in what the teardown removes. */
  pp_pod_rec_t now;
  if (pp_state_pod_get (state, pod->id, &now, NULL) == 0)
    {
      pod->monitor_pid = now.monitor_pid;
      free (pod->status);
      pod->status = steal_pointer (&now.status);
      pp_pod_rec_release (&now);
    }
  pp_play_find_monitor (pod);
  if (timeout < 0)
    timeout = pp_pod_grace (ctx, pod->id);
  int64_t t = pp_now_us ();
  if (pp_pod_stop (ctx, state, pod, timeout, err) < 0)
    return -1;
  pp_debug_step (ctx, &t, "pod %s: stopped", pod->name);
  pp_container_rec_t *cs = NULL;
  size_t n = 0;
  if (pp_state_container_list (state, pod->id, &cs, &n, err) < 0)
    return -1;
  cleanup_free char *network = NULL;
  uint64_t offset;
  if (pp_state_address_get (state, pod->id, &network, &offset, NULL) != 0)
    network = NULL;
  int ret = pp_pod_teardown (ctx, pod, cs, n, err);
  pp_container_recs_free (cs, n);
  pp_debug_step (ctx, &t, "pod %s: torn down", pod->name);
  if (ret == 0)
    ret = pp_state_pod_remove (state, pod->id, err);
  /* The network's last pod takes its resolver with it. */
  if (ret == 0 && network)
    pp_resolver_release (ctx, state, network);
  pp_debug_step (ctx, &t, "pod %s: record removed", pod->name);
  /* A Service that sent to the pod sends there no more (the monitor took it out when its containers stopped;
     this is for a pod that had none left to stop). */
  cleanup_error pp_error_t sync = NULL;
  if (ret == 0 && pp_service_sync (ctx, state, false, &sync) < 0)
    pp_warning (ctx, "pod %s: the Services' rules: %s", pod->name, sync->msg);
  pp_debug_step (ctx, &t, "pod %s: the Services' rules", pod->name);
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

/* What the state records of a down's files. */
typedef struct
{
  pp_pod_rec_t *pods;
  size_t n_pods;
  pp_job_rec_t *jobs;
  size_t n_jobs;
  pp_service_rec_t *svcs;
  size_t n_svcs;
  json_t *vols;
} recorded_t;

static void
recorded_release (recorded_t *r)
{
  pp_pod_recs_free (r->pods, r->n_pods);
  pp_job_recs_free (r->jobs, r->n_jobs);
  pp_service_recs_free (r->svcs, r->n_svcs);
  json_decref (r->vols);
}

static bool
is_recorded (const recorded_t *r, const char *file)
{
  for (size_t i = 0; i < r->n_pods; i++)
    if (is_file (r->pods[i].play_file, file))
      return true;
  for (size_t i = 0; i < r->n_jobs; i++)
    if (is_file (r->jobs[i].play_file, file))
      return true;
  for (size_t i = 0; i < r->n_svcs; i++)
    if (is_file (r->svcs[i].play_file, file))
      return true;
  size_t vi;
  json_t *v;
  json_array_foreach (r->vols, vi,
                      v) if (is_file (json_string_value (json_object_get (v, "playFile")), file)) return true;
  return false;
}

/* A file that is not there and of which nothing is recorded is an error, as Podman's `kube down` of a missing
   file is; a file that is there but was never played has nothing to take down, which is no error. */
static int
check_files (const recorded_t *r, char *const *paths, char **files, pp_error_t *err)
{
  for (size_t k = 0; files[k]; k++)
    if (strcmp (paths[k], "-") != 0 && access (paths[k], F_OK) < 0 && !is_recorded (r, files[k]))
      return pp_error_make (err, 0, "%s: no such file, and no play of it is recorded", paths[k]);
  return 0;
}

/* The pods of the files: every one told to stop first, so that their grace periods run together rather than one
   after another, then each removed. */
static int
down_pods (pp_context_t *ctx, pp_state_t *state, recorded_t *r, char **files, pp_play_result_t *res, pp_error_t *err)
{
  int ret = 0;
  for (size_t k = 0; files[k]; k++)
    for (size_t i = 0; i < r->n_pods; i++)
      if (is_file (r->pods[i].play_file, files[k]))
        pp_pod_stop_begin (&r->pods[i], pp_pod_grace (ctx, r->pods[i].id));
  for (size_t k = 0; ret == 0 && files[k]; k++)
    for (size_t i = 0; ret == 0 && i < r->n_pods; i++)
      if (is_file (r->pods[i].play_file, files[k]))
        {
          ret = pp_play_remove_pod_rec (ctx, state, &r->pods[i], -1, err);
          if (ret == 0)
            pp_play_result_add (res, PP_PLAY_POD, PP_PLAY_REMOVED, r->pods[i].name, r->pods[i].id);
        }
  return ret;
}

/* The volumes of the play's claims outlive it, unless --force. */
static int
down_volumes (pp_context_t *ctx, recorded_t *r, char **files, pp_play_result_t *res, pp_error_t *err)
{
  int ret = 0;
  size_t vi;
  json_t *v;
  json_array_foreach (r->vols, vi, v)
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
  return ret;
}

static int
down_locked (pp_context_t *ctx, pp_state_t *state, char *const *paths, char **files, bool force, pp_play_result_t *res,
             pp_error_t *err)
{
  recorded_t r = { .vols = pp_namedvol_list (ctx, NULL) };
  int ret = pp_state_job_list (state, NULL, &r.jobs, &r.n_jobs, err);
  if (ret == 0)
    ret = pp_state_pod_list (state, &r.pods, &r.n_pods, err);
  if (ret == 0)
    ret = pp_state_service_list (state, NULL, &r.svcs, &r.n_svcs, err);
  if (ret == 0)
    ret = check_files (&r, paths, files, err);
  /* Jobs' controllers stop first (each gone before this goes on), then the pods are listed again: a pod a
     controller made before it stopped goes too. */
  for (size_t k = 0; ret == 0 && files[k]; k++)
    for (size_t i = 0; ret == 0 && i < r.n_jobs; i++)
      if (is_file (r.jobs[i].play_file, files[k]))
        ret = pp_job_stop_controller (&r.jobs[i], err);
  pp_pod_recs_free (steal_pointer (&r.pods), r.n_pods);
  r.n_pods = 0;
  if (ret == 0)
    ret = pp_state_pod_list (state, &r.pods, &r.n_pods, err);
  /* The Services first: no new connection goes to a pod that is being stopped. */
  if (ret == 0)
    ret = pp_play_down_services (ctx, state, files, res, err);
  if (ret == 0)
    {
      pp_network_defer_begin ();
      ret = down_pods (ctx, state, &r, files, res, err);
      cleanup_error pp_error_t links = NULL;
      int64_t t = pp_now_us ();
      if (pp_network_defer_end (ret == 0 ? err : &links) < 0)
        ret = -1;
      pp_debug_step (ctx, &t, "down: the pods' links deleted");
    }
  for (size_t k = 0; ret == 0 && files[k]; k++)
    for (size_t i = 0; ret == 0 && i < r.n_jobs; i++)
      if (is_file (r.jobs[i].play_file, files[k]))
        {
          ret = pp_state_job_remove (state, r.jobs[i].name, err);
          if (ret == 0)
            pp_play_result_add (res, PP_PLAY_JOB, PP_PLAY_REMOVED, r.jobs[i].name, NULL);
        }
  for (size_t k = 0; ret == 0 && files[k]; k++)
    ret = pp_state_objects_put (state, files[k], NULL, 0, err);
  if (ret == 0 && force)
    ret = down_volumes (ctx, &r, files, res, err);
  recorded_release (&r);
  return ret;
}

int
pp_kube_down (pp_context_t *ctx, char *const *args, size_t n_args, bool force, pp_play_result_t *res, pp_error_t *err)
{
  /* A directory stands for the files in it, as it did for the play: the pods record those, and those are
     locked against a play of them. */
  char **paths = NULL;
  size_t n_paths = 0;
  if (pp_manifest_expand ((const char *const *)args, n_args, false, &paths, &n_paths, err) < 0)
    return -1;
  cleanup_strv char **files = play_files (paths, n_paths);
  pp_play_lock_t lock = { 0 };
  int ret = pp_play_lock (ctx, files, n_paths, NULL, &lock, err);
  pp_state_t *state = NULL;
  if (ret == 0)
    ret = pp_state_open (ctx, &state, err);
  if (ret == 0)
    {
      ret = down_locked (ctx, state, paths, files, force, res, err);
      pp_state_close (state);
    }
  pp_play_unlock (&lock);
  pp_manifest_paths_free (paths, n_paths);
  return ret;
}
