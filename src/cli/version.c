/* `podplay version`: the version of podplay and of the libraries it was built with. */
#include "src/cli/cli.h"

#include <jansson.h>
#include <string.h>
#include <yaml.h>

int
pp_cmd_version (pp_cli_t *cli, int argc, char **argv)
{
  bool json = false;
  int st = pp_cli_format_options (cli, argc, argv, &json);
  if (st >= 0)
    return st;
  if (optind < argc)
    return pp_cli_usage_error (cli, "version takes no arguments");
  if (json)
    {
      json_t *v = json_pack ("{s:s, s:s, s:s, s:s}", "version", PP_VERSION, "kubernetesSchema", "1.36", "libyaml",
                             yaml_get_version_string (), "jansson", JANSSON_VERSION);
      json_dumpf (v, stdout, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
      fputc ('\n', stdout);
      json_decref (v);
      return PP_EXIT_OK;
    }
  printf ("podplay version %s\n", PP_VERSION);
  printf ("Kubernetes schema: 1.36\n");
  printf ("libyaml: %s\n", yaml_get_version_string ());
  printf ("jansson: %s\n", JANSSON_VERSION);
  return PP_EXIT_OK;
}
