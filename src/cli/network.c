/* `podplay network create|ls|inspect|rm`: the pod networks recorded in the state. */
#include "cli/cli.h"
#include "net/network.h"
#include "state/state.h"

#include <inttypes.h>
#include <jansson.h>
#include <string.h>

static json_t *
network_json (const pp_network_rec_t *n)
{
  return json_pack ("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:b, s:I, s:I}", "name", n->name, "bridge", n->bridge,
                    "subnet", n->subnet, "gateway", n->gateway, "subnet6", n->subnet6, "gateway6", n->gateway6,
                    "internal", n->internal, "created", (json_int_t)n->created, "pods", (json_int_t)n->pods);
}

int
pp_cmd_network_create (pp_cli_t *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "subnet", required_argument, NULL, 's' },
    { "gateway", required_argument, NULL, 'g' },
    { "internal", no_argument, NULL, 'i' },
    { "ipv6", no_argument, NULL, '6' },
    { NULL, 0, NULL, 0 },
  };
  pp_network_opts_t o = { 0 };
  int opt;
  /* --subnet and --gateway once for each family, as Podman takes them for a dual-stack network. */
  while ((opt = pp_cli_getopt (cli, argc, argv, "", opts)) != -1)
    switch (opt)
      {
      case 's':
      case 'g':
        {
          bool v6 = strchr (optarg, ':') != NULL;
          const char **to = opt == 's' ? (v6 ? &o.subnet6 : &o.subnet) : (v6 ? &o.gateway6 : &o.gateway);
          if (*to)
            return pp_cli_usage_error (cli, "--%s: one IPv%c %s only (\"%s\" and \"%s\")",
                                       opt == 's' ? "subnet" : "gateway", v6 ? '6' : '4',
                                       opt == 's' ? "subnet" : "address", *to, optarg);
          *to = optarg;
          break;
        }
      case 'i':
        o.internal = true;
        break;
      case '6':
        o.ipv6 = true;
        break;
      case 'h':
        return PP_EXIT_OK;
      default:
        return PP_EXIT_ERROR;
      }
  if (optind != argc - 1)
    return pp_cli_usage_error (cli, "%s needs one name", cli->path);
  pp_error_t err = NULL;
  pp_state_t *state;
  if (pp_state_open (cli->ctx, &state, &err) < 0)
    return pp_cli_fail (&err);
  pp_network_rec_t net;
  int ret = pp_network_create (cli->ctx, state, argv[optind], &o, &net, &err);
  pp_state_close (state);
  if (ret < 0)
    return pp_cli_fail (&err);
  printf ("%s\n", net.name);
  pp_network_rec_release (&net);
  return PP_EXIT_OK;
}

/* The networks recorded, the default one among them once a pod has used it. */
static int
list_networks (pp_cli_t *cli, const char *name, pp_network_rec_t **nets, size_t *n)
{
  pp_error_t err = NULL;
  pp_state_t *state;
  if (pp_state_open (cli->ctx, &state, &err) < 0)
    return pp_cli_fail (&err);
  int ret = pp_state_network_list (state, name, nets, n, &err);
  pp_state_close (state);
  return ret < 0 ? pp_cli_fail (&err) : PP_EXIT_OK;
}

static bool
match_network (const char *key, const char *value, const void *row)
{
  (void) key;
  return pp_cli_match_name (value, ((const pp_network_rec_t *) row)->name);
}

static const pp_table_col_t network_cols[] = {
  { "Name", "NAME", true, 0 },       { "Bridge", "BRIDGE", true, 0 },        { "Subnet", "SUBNET", true, 0 },
  { "Gateway", "GATEWAY", true, 0 }, { "Subnet6", "IPV6 SUBNET", true, 0 }, { "Pods", "PODS", true, 0 },
  { "Internal", "INTERNAL", false, 0 },
};
static const char *const network_filters[] = { "name=REGEX", NULL };
const pp_list_spec_t pp_list_networks = { network_cols, PP_N_ELEMENTS (network_cols), network_filters, "Name", NULL };

int
pp_cmd_network_ls (pp_cli_t *cli, int argc, char **argv)
{
  pp_cli_list_t l;
  int r = pp_cli_list_options (cli, argc, argv, &l);
  if (r >= 0)
    return r;
  pp_network_rec_t *nets = NULL;
  size_t n = 0;
  if ((r = list_networks (cli, NULL, &nets, &n)) != PP_EXIT_OK)
    {
      pp_cli_list_release (&l);
      return r;
    }
  json_t *arr = json_array ();
  pp_table_t t;
  pp_cli_list_table (cli, &t);
  for (size_t i = 0; i < n; i++)
    {
      if (!pp_cli_list_keep (&l, match_network, &nets[i]))
        continue;
      if (l.json)
        {
          json_array_append_new (arr, network_json (&nets[i]));
          continue;
        }
      char pods[48];
      snprintf (pods, sizeof pods, "%" PRId64 "%s", nets[i].pods, nets[i].internal ? " (internal)" : "");
      const char *row[] = { nets[i].name,         nets[i].bridge, nets[i].subnet, nets[i].gateway,
                            nets[i].subnet6 ?: "-", pods,          nets[i].internal ? "true" : "false" };
      pp_table_add (&t, row);
    }
  r = pp_cli_list_finish (cli, &l, &t, arr);
  pp_network_recs_free (nets, n);
  return r;
}

int
pp_cmd_network_inspect (pp_cli_t *cli, int argc, char **argv)
{
  bool json = true;
  int r = pp_cli_format_options (cli, argc, argv, &json);
  if (r >= 0)
    return r;
  if (optind >= argc)
    return pp_cli_usage_error (cli, "%s needs a network", cli->path);
  json_t *out = json_array ();
  int status = PP_EXIT_OK;
  for (int k = optind; k < argc; k++)
    {
      pp_network_rec_t *nets = NULL;
      size_t n = 0;
      if ((r = list_networks (cli, argv[k], &nets, &n)) != PP_EXIT_OK)
        status = r;
      else if (n == 0)
        {
          fprintf (stderr, "Error: no network `%s`\n", argv[k]);
          status = PP_EXIT_ERROR;
        }
      else
        json_array_append_new (out, network_json (&nets[0]));
      pp_network_recs_free (nets, n);
    }
  pp_cli_print_json (out);
  return status;
}

int
pp_cmd_network_rm (pp_cli_t *cli, int argc, char **argv)
{
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, "", NULL)) != -1)
    return opt == 'h' ? PP_EXIT_OK : PP_EXIT_ERROR;
  if (optind >= argc)
    return pp_cli_usage_error (cli, "%s needs a network", cli->path);
  pp_error_t err = NULL;
  pp_state_t *state;
  if (pp_state_open (cli->ctx, &state, &err) < 0)
    return pp_cli_fail (&err);
  int status = PP_EXIT_OK;
  for (int k = optind; k < argc; k++)
    if (pp_network_remove (cli->ctx, state, argv[k], &err) < 0)
      status = pp_cli_fail (&err);
    else
      printf ("%s\n", argv[k]);
  pp_state_close (state);
  return status;
}
