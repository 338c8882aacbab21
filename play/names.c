/* The plan against the state database: the files pods record, their spec hashes, names unique in the play and
   on the machine, the pods and Jobs an earlier play of the same files made (left alone, replaced, or removed
   once the files no longer hold them). */
#include "play/plan.h"
#include "play/job.h"
#include "runtime/pod.h"
#include "runtime/runtime.h"

#include <limits.h>
#include <string.h>

char *
pp_play_file_of (const char *path)
{
  if (strcmp (path, "-") == 0)
    return xstrdup ("-");
  char buf[PATH_MAX];
  if (realpath (path, buf))
    return xstrdup (buf);
  /* A file that is gone (`kube down` after it was deleted) is named by its folder's real path, as when it was
     played. */
  cleanup_free char *copy = xstrdup (path);
  char *slash = strrchr (copy, '/');
  const char *base = slash ? slash + 1 : copy;
  if (slash)
    *slash = '\0';
  if (*base == '\0' || !realpath (slash ? (*copy ? copy : "/") : ".", buf))
    return xstrdup (path);
  return xasprintf ("%s/%s", strcmp (buf, "/") == 0 ? "" : buf, base);
}

/* The file a pod records: the path (resolved) of the argument whose document holds it. */
static char *
play_file_for (char *const *paths, size_t n_paths, const char *doc_file)
{
  for (size_t k = 0; k < n_paths; k++)
    {
      const char *disp = strcmp (paths[k], "-") == 0 ? "<stdin>" : paths[k];
      if (strcmp (disp, doc_file) == 0)
        return pp_play_file_of (paths[k]);
    }
  /* A file found in a directory argument names itself. */
  return pp_play_file_of (doc_file);
}

char *
pp_play_file_for (const pp_play_t *play, const char *doc_file)
{
  return play_file_for (play->paths, play->n_paths, doc_file);
}

bool
pp_play_holds_file (const pp_play_t *play, const char *play_file)
{
  if (play_file == NULL)
    return false;
  for (size_t k = 0; k < play->n; k++)
    if (strcmp (play_file, play->pods[k].play_file) == 0)
      return true;
  for (size_t k = 0; k < play->n_paths; k++)
    {
      cleanup_free char *pf = pp_play_file_of (play->paths[k]);
      if (strcmp (play_file, pf) == 0)
        return true;
    }
  return false;
}

/* The Job of a pod, or of that name, in this play: NULL when none. */
static const pp_job_plan_t *
planned_job (const pp_play_t *play, const char *name, const char *owner)
{
  for (size_t k = 0; k < play->n_jobs; k++)
    if ((name && strcmp (play->jobs[k].name, name) == 0) || (owner && strcmp (play->jobs[k].owner, owner) == 0))
      return &play->jobs[k];
  return NULL;
}

/* The Jobs this play replaces or its files no longer hold: their controllers stop and their records go (their
   pods go next, in the same step).  Each is named in the result: a play that fails after this cannot bring it
   back, and says so; one that succeeds says `replaced` of a replaced Job instead. */
static int
remove_outdated_jobs (pp_play_t *play, pp_error_t *err)
{
  pp_job_rec_t *all = NULL;
  size_t n_all = 0;
  if (pp_state_job_list (play->state, NULL, &all, &n_all, err) < 0)
    return -1;
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < n_all; i++)
    {
      const pp_job_plan_t *j = planned_job (play, all[i].name, NULL);
      if ((j == NULL && !pp_play_holds_file (play, all[i].play_file)) || (j && play->pods[j->tmpl].unchanged))
        continue;
      ret = pp_job_stop_controller (&all[i], err);
      if (ret == 0)
        ret = pp_state_job_remove (play->state, all[i].name, err);
      if (ret == 0)
        pp_play_result_add (play->res, PP_PLAY_JOB, PP_PLAY_REMOVED, all[i].name, NULL)->why
            = j ? xasprintf ("changed in %s", all[i].play_file) : xasprintf ("no longer in %s", all[i].play_file);
    }
  pp_job_recs_free (all, n_all);
  return ret;
}

char *
pp_play_replacement_name (const char *name)
{
  return xasprintf ("%s~new", name);
}

static bool
is_replacement_name (const char *name)
{
  size_t len = strlen (name);
  return len > 4 && strcmp (name + len - 4, "~new") == 0;
}

/* What the play does with a recorded pod: nothing, or remove it in this step (OUTDATED_QUIET: a replaced Job's
   pod, said by its Job's line) and let `*next`, the pod of the plan that replaces it, take its name. */
typedef enum
{
  KEEP,
  OUTDATED,
  OUTDATED_QUIET,
  LEFTOVER,
} outdated_t;

static outdated_t
outdated (const pp_play_t *play, const pp_pod_rec_t *rec, pp_play_step_t step, const pp_pod_plan_t **next)
{
  *next = NULL;
  /* A Job's pods stay with it when it is unchanged, and go quietly when it is replaced. */
  const pp_job_plan_t *j = rec->owner ? planned_job (play, NULL, rec->owner) : NULL;
  if (j && play->pods[j->tmpl].unchanged)
    return KEEP;
  for (size_t k = 0; k < play->n; k++)
    {
      const pp_pod_plan_t *p = &play->pods[k];
      if (p->id && strcmp (p->id, rec->id) == 0)
        return KEEP; /* made by this play */
      if (*next == NULL && p->existing && strcmp (p->existing, rec->id) == 0)
        *next = p;
    }
  /* A replacement that an interrupted play made and never renamed goes before the new pods are made: one of them
     may need its name. */
  if (j == NULL && is_replacement_name (rec->name) && pp_play_holds_file (play, rec->play_file))
    return step == PP_PLAY_STEP_LEFTOVERS ? LEFTOVER : KEEP;
  if (j == NULL && (*next ? (*next)->unchanged : !pp_play_holds_file (play, rec->play_file)))
    return KEEP;
  /* Once the new pods run: the pods of the Jobs that go (the new Jobs' pods take their names); then the pods
     replaced (the new one takes the name) and those the files no longer hold. */
  if (step != (rec->owner ? PP_PLAY_STEP_JOBS : PP_PLAY_STEP_PODS))
    return KEEP;
  return j ? OUTDATED_QUIET : OUTDATED;
}

/* A pod of the last step that cannot be removed, or whose replacement cannot take its name: what ran before is
   gone in part already, so nothing is rolled back; the play warns, goes on, and its result says it. */
static void
removal_failed (pp_play_t *play, const pp_pod_rec_t *rec, const pp_pod_plan_t *next, pp_error_t *e)
{
  cleanup_free char *why = next && next->id ? xasprintf ("its replacement %.12s runs as %s~new until the next play: %s",
                                                         next->id, rec->name, (*e)->msg)
                                            : xasprintf ("could not be removed: %s", (*e)->msg);
  pp_warning (play->ctx, "pod %s: %s", rec->name, why);
  pp_play_result_add (play->res, PP_PLAY_POD, PP_PLAY_NOT_REMOVED, rec->name, rec->id)->why = steal_pointer (&why);
  pp_error_release (e);
}

/* What this play takes away: pods it replaces and pods an earlier play of its files made that the files no longer
   hold (a Deployment scaled down, a Pod deleted from the file), and the Jobs it replaces or no longer holds, with
   their pods.  PP_PLAY_STEP_LEFTOVERS, before the new pods are made: what an interrupted play left.
   PP_PLAY_STEP_JOBS, once every new pod runs: the Jobs and their pods, before the new Jobs start.
   PP_PLAY_STEP_PODS, last: the pods, each replaced one's successor renamed to its name; it cannot fail once it
   has begun (see removal_failed).  So a play that fails leaves what ran before untouched. */
int
pp_play_remove_outdated (pp_play_t *play, pp_play_step_t step, pp_error_t *err)
{
  if (step == PP_PLAY_STEP_JOBS && remove_outdated_jobs (play, err) < 0)
    return -1;
  pp_pod_rec_t *all = NULL;
  size_t n_all = 0;
  if (pp_state_pod_list (play->state, &all, &n_all, err) < 0)
    return -1;
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < n_all; i++)
    {
      const pp_pod_plan_t *next;
      outdated_t what = outdated (play, &all[i], step, &next);
      if (what == KEEP)
        continue;
      pp_error_t e = NULL;
      /* A replacement that borrowed this pod's user namespace ids holds them from now on; a pod that stays (its
         removal failed) keeps them. */
      bool moved = false;
      if (next && next->userns_borrowed)
        moved = (ret = pp_state_userns_move (play->state, all[i].id, next->id, &e)) == 0;
      if (ret == 0)
        ret = pp_play_remove_pod_rec (play->ctx, play->state, &all[i], -1, &e);
      if (ret < 0 && moved)
        pp_state_userns_move (play->state, next->id, all[i].id, NULL);
      if (ret == 0 && next && next->id)
        ret = pp_state_pod_rename (play->state, next->id, next->name, &e);
      else if (ret == 0 && what != OUTDATED_QUIET)
        pp_play_result_add (play->res, PP_PLAY_POD, PP_PLAY_REMOVED, all[i].name, all[i].id)->why
            = what == LEFTOVER ? xstrdup ("left over from an interrupted play")
                               : xasprintf ("no longer in %s", all[i].play_file);
      if (ret < 0 && step == PP_PLAY_STEP_PODS)
        {
          removal_failed (play, &all[i], next, &e);
          ret = 0;
        }
      else if (ret < 0)
        *err = e;
    }
  pp_pod_recs_free (all, n_all);
  return ret;
}

/* A Job of the same name as one recorded: left alone when this file recorded it and nothing of it changed,
   replaced when it changed (or --replace), refused when another file recorded it. */
static int
check_job (pp_state_t *state, pp_job_plan_t *j, const pp_job_plan_t *jobs, pp_pod_plan_t *tmpl,
           const pp_play_opts_t *opts, pp_error_t *err)
{
  for (const pp_job_plan_t *o = jobs; o < j; o++)
    if (strcmp (o->name, j->name) == 0)
      return pp_error_make (err, 0, "%s:%u:%u: metadata.name: job `%s` is defined twice", tmpl->doc->file,
                            j->node->line, j->node->col, j->name);
  pp_job_rec_t *js = NULL;
  size_t nj = 0;
  if (pp_state_job_list (state, j->name, &js, &nj, err) < 0)
    return -1;
  int ret = 0;
  if (nj == 1)
    {
      bool ours = js[0].play_file && strcmp (js[0].play_file, tmpl->play_file) == 0;
      if (!ours && !opts->replace)
        ret = pp_error_make (err, EEXIST,
                             "%s:%u:%u: metadata.name: job `%s` exists already, from %s (`podplay job rm %s` "
                             "removes it; --replace replaces it)",
                             tmpl->doc->file, j->node->line, j->node->col, j->name,
                             js[0].play_file ? js[0].play_file : "another command", j->name);
      j->existed = true;
      bool same = ours && !opts->replace && js[0].spec_hash && strcmp (js[0].spec_hash, tmpl->hash) == 0;
      /* A Job recorded as running whose controller is gone (a play killed before it started it, a controller
         killed) runs no more: it is made again. */
      tmpl->unchanged
          = same && (!opts->start || strcmp (js[0].status, "Running") != 0 || pp_job_controller_alive (&js[0]));
      tmpl->stale = same && !tmpl->unchanged;
    }
  pp_job_recs_free (js, nj);
  return ret;
}

/* The file (as the diagnostics name it) of the document a node is in. */
static const char *
doc_file_of (const pp_docs_t *docs, const pp_node_t *node)
{
  for (size_t i = 0; i < docs->n; i++)
    {
      const pp_node_t *r = docs->v[i]->root;
      if (r == node)
        return docs->v[i]->file;
      const pp_node_t *items = pp_node_get (r, "items");
      for (size_t k = 0; items && items->type == PP_NODE_SEQ && k < items->n; k++)
        if (items->u.items[k] == node)
          return docs->v[i]->file;
    }
  return "-";
}

char *
pp_play_claim_file (const pp_play_t *play, const pp_node_t *claim)
{
  return play_file_for (play->paths, play->n_paths, doc_file_of (&play->docs, claim));
}

/* A pod's spec hash and the file it records.  A Job's pods are of its whole object: completions or a deadline
   changed make a new Job. */
static void
hash_pod (pp_play_t *play, pp_pod_plan_t *p)
{
  p->play_file = play_file_for (play->paths, play->n_paths, p->doc->file);
  uint64_t h = p->job ? pp_plan_node_hash (p->node, PP_FNV_OFFSET)
                      : pp_plan_node_hash (p->meta, pp_plan_node_hash (p->spec, PP_FNV_OFFSET));
  /* A workload's own annotations count too: Podman's are read there (annotations.c). */
  const pp_node_t *own = pp_node_get (p->node, "metadata");
  h = !p->job && own != p->meta ? pp_plan_node_hash (pp_node_get (own, "annotations"), h) : h;
  /* runtimeClassName was checked with the rest of the spec: an unknown one never gets here. */
  const pp_runtime_t *rt = pp_runtime_find (pp_plan_str (p->spec, "runtimeClassName") ?: play->opts->runtime, NULL);
  if (rt == NULL)
    rt = &pp_runtime_builtin;
  p->runtime = rt->external ? rt->name : NULL;
  h = pp_fnv1a (rt->name, strlen (rt->name), h);
  /* So does the network --network names: a pod moved to another is made again there. */
  const char *net = play->opts->network ? play->opts->network : "";
  h = pp_fnv1a (net, strlen (net), h);
  /* And --publish: a port published or withdrawn is a pod made again. */
  for (size_t k = 0; k < play->opts->n_publish; k++)
    h = pp_fnv1a (play->opts->publish[k], strlen (play->opts->publish[k]) + 1, h);
  snprintf (p->hash, sizeof p->hash, "%016llx", (unsigned long long)h);
}

/* Whether a pod an earlier play of the file made runs as the file says: its monitor alive (or starting); with
   --start=false, set up whole (its pod.json is written last); or ended as its restart policy lets it end.  A pod
   left Created by an interrupted play, one whose monitor was killed, or one stopped while its policy is Always is
   not, and is made again. */
static bool
runs_as_planned (const pp_play_t *play, const pp_pod_plan_t *p, pp_pod_rec_t *rec)
{
  if (pp_play_find_monitor (rec))
    return true;
  if (!play->opts->start)
    {
      json_t *plan = pp_pod_read_plan (play->ctx, rec->id, NULL);
      json_decref (plan);
      return plan != NULL;
    }
  return strcmp (rec->status, "Exited") == 0 && strcmp (p->restart_policy, "Always") != 0;
}

/* A pod of the same name as one recorded: left alone when this file recorded it and nothing of it changed,
   replaced when it changed (or --replace), refused when another file recorded it. */
static int
check_pod (pp_play_t *play, size_t i, pp_error_t *err)
{
  pp_pod_plan_t *p = &play->pods[i];
  for (size_t j = 0; j < i; j++)
    if (strcmp (p->name, play->pods[j].name) == 0)
      return pp_error_make (err, 0, "%s:%u:%u: metadata.name: pod `%s` is defined twice", p->doc->file, p->node->line,
                            p->node->col, p->name);
  pp_pod_rec_t existing;
  if (pp_state_pod_get (play->state, p->name, &existing, NULL) < 0)
    return 0;
  int ret = 0;
  bool ours = existing.play_file && strcmp (existing.play_file, p->play_file) == 0;
  if (!ours && !play->opts->replace)
    ret = pp_error_make (err, EEXIST,
                         "%s:%u:%u: metadata.name: pod `%s` exists already, from %s (`podplay pod rm -f %s` "
                         "removes it; --replace replaces it)",
                         p->doc->file, p->node->line, p->node->col, p->name,
                         existing.play_file ? existing.play_file : "another command", p->name);
  p->existing = xstrdup (existing.id);
  bool same = ours && !play->opts->replace && existing.spec_hash && strcmp (existing.spec_hash, p->hash) == 0;
  p->unchanged = same && runs_as_planned (play, p, &existing);
  p->stale = same && !p->unchanged;
  pp_pod_rec_release (&existing);
  return ret;
}

int
pp_plan_check_names (pp_play_t *play, pp_error_t *err)
{
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < play->n; i++)
    {
      pp_pod_plan_t *p = &play->pods[i];
      hash_pod (play, p);
      if (p->job)
        ret = check_job (play->state, &play->jobs[p->job - 1], play->jobs, p, play->opts, err);
      else
        ret = check_pod (play, i, err);
    }
  if (ret == 0 && play->n == 0 && play->n_svcs == 0)
    ret = pp_error_make (err, 0, "nothing to play: the manifests hold no Pod, Deployment, DaemonSet, Job or Service");
  return ret;
}
