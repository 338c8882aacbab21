/* The objects a play applied, recorded as YAML by the emitter: what `kube generate` writes back. */
#include "play/plan.h"
#include "schema/emit.h"

#include <string.h>

typedef struct
{
  char *play_file;
  pp_object_rec_t *v;
  size_t n;
} group_t;

typedef struct
{
  group_t *g;
  size_t n;
} groups_t;

static group_t *
group_of (groups_t *gs, char *play_file)
{
  for (size_t i = 0; i < gs->n; i++)
    if (strcmp (gs->g[i].play_file, play_file) == 0)
      {
        free (play_file);
        return &gs->g[i];
      }
  gs->g = xrealloc (gs->g, (gs->n + 1) * sizeof *gs->g);
  gs->g[gs->n] = (group_t){ .play_file = play_file };
  return &gs->g[gs->n++];
}

static bool
has_object (const group_t *g, const char *kind, const char *namespace_, const char *name)
{
  for (size_t i = 0; i < g->n; i++)
    if (strcmp (g->v[i].kind, kind) == 0 && strcmp (g->v[i].namespace_, namespace_) == 0
        && strcmp (g->v[i].name, name) == 0)
      return true;
  return false;
}

/* An object of a kind play applies (a List's items, each), added to its file's group. */
static void
add_object (group_t *g, const pp_node_t *obj, bool configmaps_only)
{
  const char *kind = pp_plan_str (obj, "kind") ?: "";
  if (pp_plan_is_list (kind))
    {
      const pp_node_t *items = pp_node_get (obj, "items");
      for (size_t i = 0; items && items->type == PP_NODE_SEQ && i < items->n; i++)
        add_object (g, items->u.items[i], configmaps_only);
      return;
    }
  const pp_kind_info_t *info = pp_kind_lookup (pp_plan_str (obj, "apiVersion") ?: "", kind);
  const pp_node_t *meta = pp_node_get (obj, "metadata");
  const char *name = pp_plan_str (meta, "name"), *ns = pp_plan_str (meta, "namespace") ?: "default";
  if (info == NULL || name == NULL || !pp_plan_is_played (kind)
      || (configmaps_only && (strcmp (kind, "ConfigMap") != 0 || has_object (g, kind, ns, name))))
    return;
  pp_buf_t b = { 0 };
  pp_emit_object (&b, obj, info->type);
  g->v = xrealloc (g->v, (g->n + 1) * sizeof *g->v);
  g->v[g->n++] = (pp_object_rec_t){
    .kind = xstrdup (kind), .namespace_ = xstrdup (ns), .name = xstrdup (name), .yaml = b.data ? b.data : xstrdup ("")
  };
}

pp_node_t *
pp_object_new (pp_arena_t *a, const char *api_version, const char *kind, const char *name, const char *namespace_)
{
  pp_node_t *o = pp_node_new_map (a), *meta = pp_node_new_map (a);
  pp_node_put (a, o, "apiVersion", pp_node_new_str (a, api_version));
  pp_node_put (a, o, "kind", pp_node_new_str (a, kind));
  pp_node_put (a, meta, "name", pp_node_new_str (a, name));
  if (namespace_)
    pp_node_put (a, meta, "namespace", pp_node_new_str (a, namespace_));
  pp_node_put (a, o, "metadata", meta);
  return o;
}

pp_node_t *
pp_object_claim (pp_arena_t *a, const char *name)
{
  pp_node_t *pvc = pp_object_new (a, "v1", "PersistentVolumeClaim", name, NULL);
  pp_node_t *spec = pp_node_new_map (a), *modes = pp_node_new_seq (a);
  pp_node_t *res = pp_node_new_map (a), *req = pp_node_new_map (a);
  pp_node_append (a, modes, pp_node_new_str (a, "ReadWriteOnce"));
  pp_node_put (a, spec, "accessModes", modes);
  pp_node_put (a, req, "storage", pp_node_new_str (a, "1Gi"));
  pp_node_put (a, res, "requests", req);
  pp_node_put (a, spec, "resources", res);
  pp_node_put (a, pvc, "spec", spec);
  return pvc;
}

int
pp_play_record_objects (pp_play_t *play, pp_error_t *err)
{
  groups_t gs = { 0 };
  for (size_t k = 0; k < play->n_paths; k++)
    group_of (&gs, pp_play_file_of (play->paths[k]));
  for (size_t i = 0; i < play->docs.n; i++)
    if (play->docs.v[i]->root)
      add_object (group_of (&gs, pp_play_file_for (play, play->docs.v[i]->file)), play->docs.v[i]->root, false);
  /* The ConfigMaps of --configmap files go with the first file: the play's pods used them. */
  for (size_t i = 0; gs.n && i < play->cm_docs.n; i++)
    if (play->cm_docs.v[i]->root)
      add_object (&gs.g[0], play->cm_docs.v[i]->root, true);
  int ret = pp_state_begin (play->state, err);
  if (ret == 0)
    {
      for (size_t i = 0; ret == 0 && i < gs.n; i++)
        ret = pp_state_objects_put (play->state, gs.g[i].play_file, gs.g[i].v, gs.g[i].n, err);
      if (ret == 0)
        ret = pp_state_commit (play->state, err);
      else
        pp_state_rollback (play->state);
    }
  for (size_t i = 0; i < gs.n; i++)
    {
      free (gs.g[i].play_file);
      pp_object_recs_free (gs.g[i].v, gs.g[i].n);
    }
  free (gs.g);
  return ret;
}
