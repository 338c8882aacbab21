/* `podplay kube validate`: check manifests without touching anything, report every problem at once. */
#include "src/cli/cli.h"
#include "schema/manifest.h"

#include <jansson.h>
#include <string.h>

static void
print_json (const pp_diags_t *d, const pp_validate_stats_t *st)
{
  json_t *records = json_array ();
  for (size_t i = 0; i < d->n; i++)
    {
      const pp_diag_t *g = &d->v[i];
      json_t *r = json_object ();
      json_object_set_new (r, "file", json_string (g->file));
      json_object_set_new (r, "line", json_integer (g->line));
      json_object_set_new (r, "column", json_integer (g->col));
      json_object_set_new (r, "document", json_integer (g->doc));
      json_object_set_new (r, "severity", json_string (pp_severity_name (g->severity)));
      json_object_set_new (r, "kind", g->kind ? json_string (g->kind) : json_null ());
      json_object_set_new (r, "name", g->name ? json_string (g->name) : json_null ());
      json_object_set_new (r, "path", g->path ? json_string (g->path) : json_null ());
      json_object_set_new (r, "message", json_string (g->msg));
      json_array_append_new (records, r);
    }
  json_t *out = json_pack ("{s:b, s:I, s:I, s:I, s:I, s:I, s:o}", "valid", d->errors == 0, "files",
                           (json_int_t) st->files, "objects", (json_int_t) st->objects, "errors",
                           (json_int_t) d->errors, "warnings", (json_int_t) d->warnings, "documents",
                           (json_int_t) st->documents, "diagnostics", records);
  json_dumpf (out, stdout, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  fputc ('\n', stdout);
  json_decref (out);
}

static void
print_text (const pp_diags_t *d, const pp_validate_stats_t *st, bool quiet)
{
  for (size_t i = 0; i < d->n; i++)
    if (!quiet || d->v[i].severity == PP_DIAG_ERROR)
      pp_diag_print (stdout, &d->v[i]);
  if (quiet)
    return;
  printf ("%zu object%s in %zu file%s: ", st->objects, st->objects == 1 ? "" : "s", st->files,
          st->files == 1 ? "" : "s");
  if (d->errors == 0)
    printf ("valid");
  else
    printf ("%zu error%s", d->errors, d->errors == 1 ? "" : "s");
  if (d->warnings)
    printf (", %zu warning%s", d->warnings, d->warnings == 1 ? "" : "s");
  putchar ('\n');
}

int
pp_cmd_kube_validate (pp_cli_t *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { "recursive", no_argument, NULL, 'R' },
    { "quiet", no_argument, NULL, 'q' },
    { "verbose", no_argument, NULL, 'v' },
    { "kube-version", required_argument, NULL, 'K' },
    { NULL, 0, NULL, 0 },
  };
  bool json = false, recursive = false, quiet = false;
  pp_validate_opts_t vopts = { 0 };
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, "f:Rqv", opts)) != -1)
    switch (opt)
      {
      case 'f':
        if (pp_cli_parse_format (cli, optarg, &json) != 0)
          return PP_EXIT_ERROR;
        break;
      case 'R':
        recursive = true;
        break;
      case 'q':
        quiet = true;
        break;
      case 'v':
        vopts.verbose = true;
        break;
      case 'K':
        vopts.kube_minor = pp_kube_version_parse (optarg);
        if (vopts.kube_minor < 0)
          return pp_cli_usage_error (cli, "--kube-version `%s`: give a release from 1.%d to 1.%d, such as 1.%d",
                                     optarg, PP_KUBE_OLDEST, PP_KUBE_NEWEST, PP_KUBE_NEWEST);
        break;
      case 'h':
        return PP_EXIT_OK;
      default:
        return PP_EXIT_ERROR;
      }
  if (optind >= argc)
    return pp_cli_usage_error (cli, "kube validate needs a file, a directory or - (standard input)");

  pp_error_t err = NULL;
  char **paths = NULL;
  size_t n = 0;
  if (pp_manifest_expand ((const char *const *) argv + optind, (size_t) (argc - optind), recursive, &paths, &n, &err)
      < 0)
    return pp_cli_fail (&err);
  pp_diags_t diags = { 0 };
  pp_validate_stats_t stats;
  int ret = pp_validate_files (cli->ctx, paths, n, &vopts, &diags, &stats, &err);
  pp_manifest_paths_free (paths, n);
  if (ret < 0)
    {
      pp_diags_free (&diags);
      return pp_cli_fail (&err);
    }
  if (json)
    print_json (&diags, &stats);
  else
    print_text (&diags, &stats, quiet);
  int status = diags.errors ? PP_EXIT_INVALID : PP_EXIT_OK;
  pp_diags_free (&diags);
  return status;
}
