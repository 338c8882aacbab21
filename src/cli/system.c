/* `system df` and `system prune`: what the storage holds, and what no running pod needs removed. */
#include "play/prune.h"
#include "src/cli/cli.h"

#include <jansson.h>
#include <string.h>
#include <unistd.h>

static const pp_table_col_t df_cols[] = {
  { "Type", "TYPE", true, 0 },        { "Total", "TOTAL", true, 0 },
  { "Active", "ACTIVE", true, 0 },    { "Size", "SIZE", true, 0 },
  { "Reclaimable", "RECLAIMABLE", true, 0 },
};

int
pp_cmd_system_df (pp_cli_t *cli, int argc, char **argv)
{
  bool json = false;
  int st = pp_cli_format_options (cli, argc, argv, &json);
  if (st >= 0)
    return st;
  if (optind < argc)
    return pp_cli_usage_error (cli, "system df takes no arguments");
  pp_df_t df;
  pp_error_t err = NULL;
  if (pp_system_df (cli->ctx, &df, &err) < 0)
    return pp_cli_fail (&err);
  const struct
  {
    const char *type;
    const pp_df_row_t *row;
  } rows[] = { { "Images", &df.images }, { "Containers", &df.containers }, { "Local Volumes", &df.volumes } };
  json_t *a = json_array ();
  pp_table_t t;
  pp_table_init (&t, df_cols, PP_N_ELEMENTS (df_cols));
  for (size_t i = 0; i < PP_N_ELEMENTS (rows); i++)
    {
      const pp_df_row_t *r = rows[i].row;
      json_array_append_new (a, json_pack ("{s:s, s:I, s:I, s:I, s:I}", "Type", rows[i].type, "Total",
                                           (json_int_t) r->total, "Active", (json_int_t) r->active, "Size",
                                           (json_int_t) r->size, "Reclaimable", (json_int_t) r->reclaimable));
      char total[24], active[24], size[32], rec[48], hs[32];
      snprintf (total, sizeof total, "%lld", (long long) r->total);
      snprintf (active, sizeof active, "%lld", (long long) r->active);
      pp_human_size ((double) r->size, 3, false, " ", size, sizeof size);
      pp_human_size ((double) r->reclaimable, 3, false, " ", hs, sizeof hs);
      snprintf (rec, sizeof rec, "%s (%lld%%)", hs, (long long) (r->size ? r->reclaimable * 100 / r->size : 0));
      const char *cells[] = { rows[i].type, total, active, size, rec };
      pp_table_add (&t, cells);
    }
  int ret = PP_EXIT_OK;
  if (json)
    pp_cli_print_json (a);
  else
    {
      json_decref (a);
      pp_table_opts_t o = { 0 };
      if (pp_table_print (&t, &o, stdout, &err) < 0)
        ret = pp_cli_fail (&err);
    }
  pp_table_release (&t);
  return ret;
}

static void
print_section (const char *title, const pp_strs_t *s)
{
  if (s->n == 0)
    return;
  printf ("Deleted %s\n", title);
  for (size_t i = 0; i < s->n; i++)
    printf ("%s\n", s->v[i]);
}

/* Asks, as Podman does: "y" or "yes" goes on (1), another answer does not (0); no answer at all (standard input
   at its end, as in a script) is an error (-1), so that a prune that did nothing is not taken for one done. */
static int
confirm (const pp_prune_opts_t *o)
{
  fprintf (stderr,
           "WARNING! This command removes:\n"
           "        - all pods that do not run, and finished Jobs\n"
           "        - all networks no pod is in\n"
           "%s"
           "        - all %s images no pod uses\n\n"
           "Are you sure you want to continue? [y/N] ",
           o->volumes ? "        - all volumes no pod uses\n" : "", o->all_images ? "the" : "nameless");
  char line[16] = "";
  if (fgets (line, sizeof line, stdin) == NULL)
    {
      fputs ("\npodplay: no answer on standard input: nothing was removed (-f removes without asking)\n", stderr);
      return -1;
    }
  line[strcspn (line, "\n")] = '\0';
  return strcasecmp (line, "y") == 0 || strcasecmp (line, "yes") == 0;
}

int
pp_cmd_system_prune (pp_cli_t *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { "force", no_argument, NULL, 'f' },
    { "volumes", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  pp_prune_opts_t o = { 0 };
  bool force = false;
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, "af", opts)) != -1)
    switch (opt)
      {
      case 'a':
        o.all_images = true;
        break;
      case 'f':
        force = true;
        break;
      case 'V':
        o.volumes = true;
        break;
      case 'h':
        return PP_EXIT_OK;
      default:
        return PP_EXIT_ERROR;
      }
  if (optind < argc)
    return pp_cli_usage_error (cli, "system prune takes no arguments");
  int yes = force ? 1 : confirm (&o);
  if (yes <= 0)
    return yes < 0 ? PP_EXIT_ERROR : PP_EXIT_OK;
  pp_prune_report_t r;
  pp_error_t err = NULL;
  int ret = pp_system_prune (cli->ctx, &o, &r, &err) < 0 ? pp_cli_fail (&err) : PP_EXIT_OK;
  print_section ("Jobs", &r.jobs);
  print_section ("Pods", &r.pods);
  print_section ("Networks", &r.networks);
  print_section ("Volumes", &r.volumes);
  print_section ("Images", &r.images);
  char hs[32];
  pp_human_size ((double) r.reclaimed, 3, false, " ", hs, sizeof hs);
  printf ("Total reclaimed space: %s\n", hs);
  pp_prune_report_release (&r);
  return ret;
}
