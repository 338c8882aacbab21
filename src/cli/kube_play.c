/* What `kube play` and `kube down` did, printed: a line per pod, Job and volume, or JSON; a play with its errors. */
#include "play/play.h"
#include "src/cli/cli.h"

#include <jansson.h>
#include <string.h>

static const char *
pod_action (const pp_play_item_t *it, bool started)
{
  switch (it->action)
    {
    case PP_PLAY_UNCHANGED:
      return "unchanged";
    case PP_PLAY_REPLACED:
      return started ? "replaced and started" : "replaced";
    case PP_PLAY_RECREATED:
      return started ? "recreated and started" : "recreated";
    case PP_PLAY_REMOVED:
      return "removed";
    case PP_PLAY_NOT_REMOVED:
      return "not removed";
    case PP_PLAY_GROWN:
      return "given new containers";
    default:
      return started ? "started" : "created";
    }
}

static const char *
job_action (const pp_play_item_t *it, bool started)
{
  if (it->action == PP_PLAY_UNCHANGED || it->action == PP_PLAY_REMOVED)
    return it->action == PP_PLAY_REMOVED ? "removed" : "unchanged";
  if (!started)
    return "not started (--start=false)";
  return it->action == PP_PLAY_REPLACED    ? "replaced and started"
         : it->action == PP_PLAY_RECREATED ? "recreated and started"
                                           : "started";
}

static const char *
service_action (const pp_play_item_t *it)
{
  return it->action == PP_PLAY_REMOVED     ? "removed"
         : it->action == PP_PLAY_UNCHANGED ? "unchanged"
         : it->action == PP_PLAY_REPLACED  ? "updated"
                                           : "created";
}

static void
print_item (FILE *out, const pp_play_item_t *it, bool started)
{
  cleanup_free char *why = it->why ? xasprintf (" (%s)", it->why) : xstrdup ("");
  switch (it->kind)
    {
    case PP_PLAY_VOLUME:
      fprintf (out, "volume/%s %s\n", it->name, it->action == PP_PLAY_REMOVED ? "removed" : "created");
      return;
    case PP_PLAY_SERVICE:
      if (it->action == PP_PLAY_REMOVED)
        fprintf (out, "service/%s removed%s\n", it->name, why);
      else
        fprintf (out, "service/%s %s %s%s\n", it->name, strcmp (it->status, "None") == 0 ? "(headless)" : it->status,
                 service_action (it), why);
      return;
    case PP_PLAY_POD:
      if (it->action == PP_PLAY_REMOVED || it->action == PP_PLAY_NOT_REMOVED)
        fprintf (out, "pod/%s %.12s %s%s\n", it->name, it->id, pod_action (it, false), why);
      else
        fprintf (out, "pod/%s %.12s %s (%zu container%s)\n", it->name, it->id ?: "", pod_action (it, started),
                 it->n_ctrs, it->n_ctrs == 1 ? "" : "s");
      return;
    case PP_PLAY_JOB:
      fprintf (out, "job/%s %s%s", it->name, job_action (it, started), why);
      if (it->action != PP_PLAY_UNCHANGED && it->action != PP_PLAY_REMOVED && started)
        {
          if (it->completions > 0)
            fprintf (out, " (completions %lld", (long long)it->completions);
          else
            fprintf (out, " (until one pod succeeds");
          fprintf (out, ", parallelism %lld, backoffLimit %lld", (long long)it->parallelism,
                   (long long)it->backoff_limit);
          if (it->deadline > 0)
            fprintf (out, ", activeDeadlineSeconds %lld", (long long)it->deadline);
          fputc (')', out);
        }
      fputc ('\n', out);
      return;
    }
}

static json_t *
item_json (const pp_play_item_t *it, bool started)
{
  if (it->kind == PP_PLAY_VOLUME)
    return json_pack ("{s:s, s:s}", "volume", it->name, "action",
                      it->action == PP_PLAY_REMOVED ? "removed" : "created");
  if (it->kind == PP_PLAY_SERVICE)
    return json_pack ("{s:s, s:s?, s:s, s:s*}", "service", it->name, "clusterIP", it->status, "action",
                      service_action (it), "why", it->why);
  if (it->kind == PP_PLAY_JOB)
    return json_pack ("{s:s, s:s, s:I, s:I, s:I, s:s*}", "job", it->name, "action", job_action (it, started),
                      "completions", (json_int_t)it->completions, "parallelism", (json_int_t)it->parallelism,
                      "backoffLimit", (json_int_t)it->backoff_limit, "why", it->why);
  json_t *cs = json_array ();
  for (size_t j = 0; j < it->n_ctrs; j++)
    json_array_append_new (
        cs, json_pack ("{s:s, s:s?, s:s}", "name", it->ctrs[j].name, "id", it->ctrs[j].id, "image", it->ctrs[j].image));
  /* The words of the text output, without its "and started": the status says that. */
  const char *status = it->action == PP_PLAY_REMOVED       ? "Removed"
                       : it->action == PP_PLAY_NOT_REMOVED ? "NotRemoved"
                       : it->status                        ? it->status
                       : started                           ? "Running"
                                                           : "Created";
  return json_pack ("{s:s, s:s?, s:s, s:s, s:o, s:s*}", "pod", it->name, "id", it->id, "action", pod_action (it, false),
                    "status", status, "containers", cs, "why", it->why);
}

void
pp_cli_print_play (FILE *out, const pp_play_result_t *res, bool json)
{
  if (!json)
    {
      for (size_t i = 0; i < res->n; i++)
        print_item (out, &res->v[i], res->started);
      return;
    }
  /* What went and the volumes first, then the Jobs, then the pods. */
  json_t *a = json_array ();
  for (int pass = 0; pass < 3; pass++)
    for (size_t i = 0; i < res->n; i++)
      {
        const pp_play_item_t *it = &res->v[i];
        int of = it->action == PP_PLAY_REMOVED || it->action == PP_PLAY_NOT_REMOVED || it->kind == PP_PLAY_VOLUME ? 0
                 : it->kind == PP_PLAY_JOB                                                                        ? 1
                                                                                                                  : 2;
        if (of == pass)
          json_array_append_new (a, item_json (it, res->started));
      }
  json_dumpf (a, out, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  fputc ('\n', out);
  json_decref (a);
}

int
pp_cli_play_files (pp_cli_t *cli, char *const *paths, size_t n, const pp_play_opts_t *po, bool json, pp_error_t *err)
{
  pp_diags_t diags = { 0 };
  pp_play_result_t res = { 0 };
  int ret = pp_kube_play (cli->ctx, paths, n, po, &diags, &res, err);
  if (res.n)
    pp_cli_print_play (stdout, &res, json);
  pp_play_result_release (&res);
  pp_cli_print_diags (&diags, ret);
  return ret;
}

void
pp_cli_print_diags (pp_diags_t *diags, int ret)
{
  for (size_t i = 0; i < diags->n; i++)
    pp_diag_print (stderr, &diags->v[i]);
  if (ret > 0)
    fprintf (stderr, "Error: %zu error%s: nothing was created\n", diags->errors, diags->errors == 1 ? "" : "s");
  pp_diags_free (diags);
}

void
pp_cli_print_down (FILE *out, const pp_play_result_t *res, char *const *paths, size_t n_paths, bool ok)
{
  for (size_t i = 0; i < res->n; i++)
    print_item (out, &res->v[i], false);
  if (res->n == 0 && ok)
    fprintf (out, "no pods from %s\n", n_paths == 1 ? paths[0] : "these files");
}
