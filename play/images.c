/* The images of a play's containers and image volumes: found in the store or pulled, by Kubernetes' pull
   policies, before anything is created. */
#include "play/plan.h"
#include "image/pull.h"

#include <string.h>

/* The pull policy Kubernetes applies when none is given: Always for :latest or no tag, else IfNotPresent. */
static const char *
pull_policy (const pp_ctr_plan_t *c)
{
  if (c->pull_policy)
    return c->pull_policy;
  const char *slash = strrchr (c->image_ref, '/');
  const char *last = slash ? slash + 1 : c->image_ref;
  if (strchr (c->image_ref, '@'))
    return "IfNotPresent";
  const char *colon = strchr (last, ':');
  return colon == NULL || strcmp (colon, ":latest") == 0 ? "Always" : "IfNotPresent";
}

static int
resolve_image (pp_context_t *ctx, pp_store_t *store, const pp_pod_plan_t *p, pp_ctr_plan_t *c, pp_error_t *err)
{
  const char *policy = pull_policy (c);
  bool present = pp_store_lookup (store, c->image_ref, &c->image, NULL) == 0;
  /* Images that live only here (localhost/...) are never pulled, whatever the policy. */
  bool local = strncmp (c->image_ref, "localhost/", 10) == 0;
  if (present && (strcmp (policy, "Always") != 0 || local))
    {
      c->have_image = true;
      return 0;
    }
  if (present)
    pp_image_release (&c->image);
  if (strcmp (policy, "Never") == 0 || local)
    return pp_error_make (err, 0, "%s:%u:%u: pod %s, %s %s: image `%s` is not in the store%s", p->doc->file,
                          c->node->line, c->node->col, p->name, c->volume ? "volume" : "container", c->name,
                          c->image_ref,
                          local       ? ""
                          : c->volume ? " and pullPolicy is Never"
                                      : " and imagePullPolicy is Never");
  pp_pull_opts_t opts = { .tls_verify = true, .quiet = true };
  pp_load_result_t res = { 0 };
  pp_error_t perr = NULL;
  int ret = pp_image_pull (ctx, store, c->image_ref, &opts, &res, &perr);
  pp_load_result_release (&res);
  if (ret < 0)
    {
      if (present && strcmp (policy, "Always") == 0)
        {
          /* Kubernetes fails here; one machine offline is better served by the copy it has, said aloud. */
          pp_warning (ctx, "pod %s, %s %s: pull of `%s` failed (%s); using the stored image", p->name,
                      c->volume ? "volume" : "container", c->name, c->image_ref, perr->msg);
          pp_error_release (&perr);
          ret = pp_store_lookup (store, c->image_ref, &c->image, err);
          c->have_image = ret == 0;
          return ret;
        }
      pp_error_make (err, 0, "%s:%u:%u: pod %s, %s %s: %s", p->doc->file, c->node->line, c->node->col, p->name,
                     c->volume ? "volume" : "container", c->name, perr->msg);
      pp_error_release (&perr);
      return -1;
    }
  ret = pp_store_lookup (store, c->image_ref, &c->image, err);
  c->have_image = ret == 0;
  return ret;
}

/* The images of a pod's image volumes, pulled by the rules of container images before anything is made. */
static int
resolve_volume_images (pp_context_t *ctx, pp_store_t *store, pp_pod_plan_t *p, pp_error_t *err)
{
  pp_volume_image_t *vi = NULL;
  p->n_vimg = pp_volumes_images (p->spec, &vi);
  p->vimg = xzalloc ((p->n_vimg + 1) * sizeof *p->vimg);
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < p->n_vimg; i++)
    {
      p->vimg[i] = (pp_ctr_plan_t){ .node = vi[i].node,
                                    .name = vi[i].volume,
                                    .image_ref = vi[i].reference,
                                    .pull_policy = vi[i].pull_policy,
                                    .volume = true };
      ret = resolve_image (ctx, store, p, &p->vimg[i], err);
    }
  free (vi);
  return ret;
}

/* A container whose image (by reference and pull policy) an earlier one of the play resolved gets a copy of it:
   the replicas of a Deployment read the store, or pull, once. */
static bool
resolved_before (pp_ctr_plan_t *c, pp_ctr_plan_t **seen, size_t n_seen)
{
  for (size_t k = 0; k < n_seen; k++)
    if (strcmp (seen[k]->image_ref, c->image_ref) == 0 && strcmp (pull_policy (seen[k]), pull_policy (c)) == 0)
      {
        pp_image_copy (&c->image, &seen[k]->image);
        c->have_image = true;
        return true;
      }
  return false;
}

int
pp_plan_resolve_images (pp_play_t *play, pp_error_t *err)
{
  pp_store_t store;
  if (pp_store_open (play->ctx, &store, err) < 0)
    return -1;
  int ret = 0;
  /* The containers that resolved each reference first: few, as a play names few images. */
  pp_ctr_plan_t **seen = NULL;
  size_t n_seen = 0;
  for (size_t i = 0; ret == 0 && i < play->n; i++)
    {
      for (size_t j = 0; ret == 0 && j < play->pods[i].n; j++)
        {
          pp_ctr_plan_t *c = &play->pods[i].c[j];
          if ((ret = pp_play_interrupted (play, err)) != 0 || resolved_before (c, seen, n_seen))
            continue;
          ret = resolve_image (play->ctx, &store, &play->pods[i], c, err);
          if (ret == 0 && c->have_image)
            {
              seen = xrealloc (seen, (n_seen + 1) * sizeof *seen);
              seen[n_seen++] = c;
            }
        }
      if (ret == 0)
        ret = resolve_volume_images (play->ctx, &store, &play->pods[i], err);
    }
  free (seen);
  pp_store_close (&store);
  return ret;
}
