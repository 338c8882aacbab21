/* `kube play`: every document validated first, then each Pod planned (images found or pulled, names checked
   against the state, references resolved), then created and started, one after the other; a failure removes
   what this play created.  The phases live in plan.c, images.c, names.c, spec.c and apply.c; this file runs
   them in order and keeps what they did for the caller to print. */
#include "play/plan.h"

#include <string.h>

pp_play_item_t *
pp_play_result_add (pp_play_result_t *res, pp_play_kind_t kind, pp_play_action_t action, const char *name,
                    const char *id)
{
  res->v = xrealloc (res->v, (res->n + 1) * sizeof *res->v);
  pp_play_item_t *it = &res->v[res->n++];
  memset (it, 0, sizeof *it);
  it->kind = kind;
  it->action = action;
  it->name = xstrdup (name);
  it->id = id ? xstrdup (id) : NULL;
  return it;
}

static void
item_release (pp_play_item_t *it)
{
  for (size_t k = 0; k < it->n_ctrs; k++)
    {
      free (it->ctrs[k].name);
      free (it->ctrs[k].id);
      free (it->ctrs[k].image);
    }
  free (it->ctrs);
  free (it->name);
  free (it->id);
  free (it->why);
  free (it->status);
}

void
pp_play_result_drop (pp_play_result_t *res, size_t i)
{
  item_release (&res->v[i]);
  memmove (&res->v[i], &res->v[i + 1], (res->n - i - 1) * sizeof *res->v);
  res->n--;
}

void
pp_play_result_release (pp_play_result_t *res)
{
  for (size_t i = 0; i < res->n; i++)
    item_release (&res->v[i]);
  free (res->v);
  memset (res, 0, sizeof *res);
}

int
pp_play_interrupted (const pp_play_t *play, pp_error_t *err)
{
  const volatile sig_atomic_t *sig = play->opts->interrupted;
  if (sig == NULL || *sig == 0)
    return 0;
  return pp_error_make (err, 0, "interrupted by SIG%s: what this play created is removed", sigabbrev_np (*sig) ?: "?");
}

/* The lock of each file the play records, against a play or down of the same file at once. */
static int
lock_files (pp_play_t *play, pp_error_t *err)
{
  cleanup_strv char **files = xzalloc ((play->n_paths + 1) * sizeof (char *));
  for (size_t k = 0; k < play->n_paths; k++)
    files[k] = pp_play_file_of (play->paths[k]);
  return pp_play_lock (play->ctx, files, play->n_paths, play->opts->interrupted, &play->lock, err);
}

int
pp_kube_play (pp_context_t *ctx, char *const *paths, size_t n_paths, const pp_play_opts_t *opts, pp_diags_t *diags,
              pp_play_result_t *res, pp_error_t *err)
{
  pp_play_t play = {
    .ctx = ctx,
    .opts = opts,
    .paths = paths,
    .n_paths = n_paths,
    .diags = diags,
    .res = res,
  };
  res->started = opts->start;
  int64_t t = pp_now_us ();
  int ret = pp_plan_load (&play, err);
  pp_debug_step (ctx, &t, "play: read and validate");
  if (ret == 0)
    ret = lock_files (&play, err);
  /* Names are unique in the play and on the machine: nothing is created when one clashes, but for the pods an
     earlier play of the same file made, which are left alone when nothing of them changed, else replaced. */
  if (ret == 0 && pp_state_open (ctx, &play.state, err) < 0)
    ret = -1;
  if (ret == 0)
    ret = pp_plan_check_names (&play, err);
  if (ret == 0)
    ret = pp_plan_check_services (&play, err);
  if (ret == 0)
    ret = pp_plan_check_ports (&play, err);
  pp_debug_step (ctx, &t, "play: lock, state, names, Services and ports checked");
  if (ret == 0)
    ret = pp_plan_resolve_images (&play, err);
  pp_debug_step (ctx, &t, "play: images");
  if (ret == 0)
    ret = pp_plan_check_refs (&play, err);
  pp_debug_step (ctx, &t, "play: references (env, volumes, probes)");
  if (ret == 0)
    ret = pp_play_apply (&play, err);
  pp_debug_step (ctx, &t, "play: applied");
  if (play.state)
    pp_state_close (play.state);
  pp_play_unlock (&play.lock);
  pp_plan_free (&play);
  return ret;
}
