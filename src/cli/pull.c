/* `podplay pull`: an image from a registry into the store. */
#include "src/cli/cli.h"
#include "image/pull.h"

#include <string.h>

int
pp_cmd_pull (pp_cli_t *cli, int argc, char **argv)
{
  enum
  {
    OPT_TLS = 2000,
    OPT_CERT_DIR,
    OPT_AUTHFILE,
    OPT_CREDS,
    OPT_PLATFORM,
  };
  static const struct option opts[] = {
    { "tls-verify", optional_argument, NULL, OPT_TLS },
    { "cert-dir", required_argument, NULL, OPT_CERT_DIR },
    { "authfile", required_argument, NULL, OPT_AUTHFILE },
    { "creds", required_argument, NULL, OPT_CREDS },
    { "platform", required_argument, NULL, OPT_PLATFORM },
    { "quiet", no_argument, NULL, 'q' },
    { NULL, 0, NULL, 0 },
  };
  pp_pull_opts_t po = { .tls_verify = true, .progress = isatty (STDERR_FILENO) };
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, "q", opts)) != -1)
    switch (opt)
      {
      case OPT_TLS:
        if (optarg == NULL || strcmp (optarg, "true") == 0)
          po.tls_verify = true;
        else if (strcmp (optarg, "false") == 0)
          po.tls_verify = false;
        else
          return pp_cli_usage_error (cli, "--tls-verify takes true or false, not \"%s\"", optarg);
        break;
      case OPT_CERT_DIR:
        po.cert_dir = optarg;
        break;
      case OPT_AUTHFILE:
        po.authfile = optarg;
        break;
      case OPT_CREDS:
        if (strchr (optarg, ':') == NULL)
          return pp_cli_usage_error (cli, "--creds takes USER:PASSWORD");
        po.creds = optarg;
        break;
      case OPT_PLATFORM:
        if (strchr (optarg, '/') == NULL)
          return pp_cli_usage_error (cli, "--platform takes OS/ARCH[/VARIANT], such as linux/arm64");
        po.platform = optarg;
        break;
      case 'q':
        po.quiet = true;
        break;
      case 'h':
        return PP_EXIT_OK;
      default:
        return PP_EXIT_ERROR;
      }
  if (optind + 1 != argc)
    return pp_cli_usage_error (cli, "pull needs exactly one image reference");
  pp_error_t err = NULL;
  pp_store_t store;
  pp_load_result_t result;
  if (pp_store_open (cli->ctx, &store, &err) < 0 || pp_image_pull (cli->ctx, &store, argv[optind], &po, &result, &err) < 0)
    {
      pp_store_close (&store);
      return pp_cli_fail (&err);
    }
  pp_image_t im;
  for (size_t i = 0; i < result.n; i++)
    if (pp_store_lookup (&store, result.names[i], &im, &err) == 0)
      {
        if (po.quiet)
          printf ("%s\n", im.id);
        else
          printf ("Pulled %s (%.12s, %zu layer%s)\n", result.names[i], im.id, im.n_layers, im.n_layers == 1 ? "" : "s");
        pp_image_release (&im);
      }
    else
      pp_error_release (&err);
  pp_load_result_release (&result);
  pp_store_close (&store);
  return PP_EXIT_OK;
}
