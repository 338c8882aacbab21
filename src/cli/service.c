/* `podplay service ls|rm`: the Services plays made, with their addresses and the endpoints they send to now. */
#include "cli/cli.h"
#include "net/service.h"
#include "state/state.h"

#include <jansson.h>
#include <string.h>

/* "80->http/TCP,53/UDP,443:30443/TCP": a Service's ports as `ls` prints them (kubectl's PORT:NODEPORT). */
static char *
ports_text (json_t *ports)
{
  pp_buf_t b = { 0 };
  json_t *p;
  size_t i;
  json_array_foreach (ports, i, p)
  {
    json_t *t = json_object_get (p, "targetPort");
    pp_buf_printf (&b, "%s%" JSON_INTEGER_FORMAT, i ? "," : "", json_integer_value (json_object_get (p, "port")));
    if (json_integer_value (json_object_get (p, "nodePort")))
      pp_buf_printf (&b, ":%" JSON_INTEGER_FORMAT, json_integer_value (json_object_get (p, "nodePort")));
    if (json_is_string (t))
      pp_buf_printf (&b, "->%s", json_string_value (t));
    else if (json_integer_value (t) != json_integer_value (json_object_get (p, "port")))
      pp_buf_printf (&b, "->%" JSON_INTEGER_FORMAT, json_integer_value (t));
    pp_buf_printf (&b, "/%s", json_string_value (json_object_get (p, "protocol")));
  }
  return b.data ? b.data : xstrdup ("");
}

/* The endpoints of every port, each once, comma-separated; "<none>" without. */
static char *
endpoints_text (json_t *ports)
{
  pp_buf_t b = { 0 };
  json_t *p, *e;
  size_t i, k;
  json_array_foreach (ports, i, p)
  {
    json_array_foreach (json_object_get (p, "endpoints"), k, e)
    {
      const char *s = json_string_value (e);
      cleanup_free char *whole = xasprintf (",%s,", b.data ? b.data : "");
      cleanup_free char *item = xasprintf (",%s,", s);
      if (strstr (whole, item) == NULL)
        pp_buf_printf (&b, "%s%s", b.data ? "," : "", s);
    }
  }
  return b.data ? b.data : xstrdup ("<none>");
}

static json_t *
describe (pp_cli_t *cli, int *status)
{
  pp_error_t err = NULL;
  pp_state_t *state;
  json_t *all = NULL;
  if (pp_state_open (cli->ctx, &state, &err) == 0)
    {
      all = pp_service_describe (state, &err);
      pp_state_close (state);
    }
  if (all == NULL)
    *status = pp_cli_fail (&err);
  return all;
}

/* NAME, or NAMESPACE/NAME out of the default namespace, as `service rm` takes it. */
static char *
service_name (const json_t *s)
{
  const char *ns = json_string_value (json_object_get (s, "namespace")) ?: "default";
  const char *name = json_string_value (json_object_get (s, "name")) ?: "";
  return strcmp (ns, "default") == 0 ? xstrdup (name) : xasprintf ("%s/%s", ns, name);
}

static bool
match_service (const char *key, const char *value, const void *row)
{
  const json_t *s = row;
  if (strcmp (key, "type") == 0)
    return strcasecmp (json_string_value (json_object_get (s, "type")) ?: "", value) == 0;
  cleanup_free char *name = service_name (s);
  return pp_cli_match_name (value, name);
}

static const pp_table_col_t service_cols[] = {
  { "Name", "NAME", true, 0 },   { "Type", "TYPE", true, 0 },           { "ClusterIP", "CLUSTER-IP", true, 0 },
  { "Ports", "PORTS", true, 0 }, { "Endpoints", "ENDPOINTS", true, 0 },
};
static const char *const service_filters[] = { "name=REGEX", "type=TYPE", NULL };
const pp_list_spec_t pp_list_services = { service_cols, PP_N_ELEMENTS (service_cols), service_filters, "Name", NULL };

int
pp_cmd_service_ls (pp_cli_t *cli, int argc, char **argv)
{
  pp_cli_list_t l;
  int r = pp_cli_list_options (cli, argc, argv, &l);
  if (r >= 0)
    return r;
  int status = PP_EXIT_OK;
  json_t *all = describe (cli, &status);
  if (all == NULL)
    {
      pp_cli_list_release (&l);
      return status;
    }
  json_t *kept = json_array (), *s;
  pp_table_t t;
  pp_cli_list_table (cli, &t);
  size_t i;
  json_array_foreach (all, i, s)
  {
    if (!pp_cli_list_keep (&l, match_service, s))
      continue;
    json_array_append (kept, s);
    cleanup_free char *name = service_name (s);
    cleanup_free char *ports = ports_text (json_object_get (s, "ports"));
    cleanup_free char *eps = endpoints_text (json_object_get (s, "ports"));
    const char *row[] = { name, json_string_value (json_object_get (s, "type")),
                          json_string_value (json_object_get (s, "clusterIP")) ?: "None", ports, eps };
    pp_table_add (&t, row);
  }
  json_decref (all);
  r = pp_cli_list_finish (cli, &l, &t, kept);
  return r;
}

/* Whether `arg` (NAME, or NAMESPACE/NAME) names Service `s`. */
static bool
names_service (const char *arg, const pp_service_rec_t *s)
{
  const char *slash = strchr (arg, '/');
  if (slash == NULL)
    return strcmp (arg, s->name) == 0;
  return strlen (s->namespace_) == (size_t) (slash - arg) && strncmp (arg, s->namespace_, (size_t) (slash - arg)) == 0
         && strcmp (slash + 1, s->name) == 0;
}

int
pp_cmd_service_rm (pp_cli_t *cli, int argc, char **argv)
{
  bool all = false;
  int r = pp_cli_rm_options (cli, argc, argv, "a Service", &all);
  if (r >= 0)
    return r;
  pp_error_t err = NULL;
  pp_state_t *state;
  if (pp_state_open (cli->ctx, &state, &err) < 0)
    return pp_cli_fail (&err);
  pp_service_rec_t *svcs = NULL;
  size_t n = 0;
  int status = PP_EXIT_OK;
  if (pp_state_service_list (state, NULL, &svcs, &n, &err) < 0)
    status = pp_cli_fail (&err);
  /* Each name must say one Service: NAME of any namespace when no other namespace has one of that name, else
     NAMESPACE/NAME. */
  for (int k = all ? argc : optind; status == PP_EXIT_OK && k < argc; k++)
    {
      size_t found = 0;
      for (size_t i = 0; i < n; i++)
        found += names_service (argv[k], &svcs[i]);
      if (found != 1)
        {
          fprintf (stderr,
                   found ? "Error: services `%s` are in %zu namespaces: say which, as NAMESPACE/NAME\n"
                         : "Error: no service `%s`\n",
                   argv[k], found);
          status = PP_EXIT_ERROR;
        }
    }
  for (size_t i = 0; status == PP_EXIT_OK && i < n; i++)
    {
      bool wanted = all;
      for (int k = optind; !wanted && k < argc; k++)
        wanted = names_service (argv[k], &svcs[i]);
      if (!wanted)
        continue;
      if (pp_state_service_remove (state, svcs[i].namespace_, svcs[i].name, &err) < 0)
        status = pp_cli_fail (&err);
      else if (strcmp (svcs[i].namespace_, "default") == 0)
        printf ("%s\n", svcs[i].name);
      else
        printf ("%s/%s\n", svcs[i].namespace_, svcs[i].name);
    }
  /* The rules follow, whatever was removed before a failure. */
  if (pp_service_sync (cli->ctx, state, true, &err) < 0)
    status = pp_cli_fail (&err);
  pp_service_recs_free (svcs, n);
  pp_state_close (state);
  return status;
}
