/* The hidden `probe` command: a gRPC health call or an HTTPS GET for a pod's monitor, whose probe child execs it
   in the pod's network namespace (the monitor links no libcurl).  Its exit status is the check's: 0 or 1. */
#include "runtime/probe_http.h"
#include "schema/checks.h"
#include "src/cli/cli.h"

#include <string.h>

int
pp_cmd_probe (pp_cli_t *cli, int argc, char **argv)
{
  /* probe KIND HOST PORT SERVICE|PATH TIMEOUT_MS [NAME VALUE]... */
  bool grpc = argc >= 2 && strcmp (argv[1], "grpc") == 0;
  bool https = argc >= 2 && strcmp (argv[1], "https") == 0;
  int64_t port, timeout_ms;
  if (argc < 6 || (argc - 6) % 2 != 0 || !(grpc || https) || (grpc && argc > 6) || !pp_parse_int (argv[3], &port)
      || port < 1 || port > 65535 || !pp_parse_int (argv[5], &timeout_ms) || timeout_ms < 1)
    return pp_cli_usage_error (NULL,
                               "usage: %s grpc HOST PORT SERVICE TIMEOUT_MS | %s https HOST PORT PATH TIMEOUT_MS "
                               "[NAME VALUE]... (run by a pod's monitor)",
                               cli->path, cli->path);
  pp_error_t err = NULL;
  int r = grpc ? pp_probe_grpc (argv[2], (int) port, argv[4], (long) timeout_ms, &err)
               : pp_probe_https (argv[2], (int) port, argv[4], argv + 6, (size_t) (argc - 6) / 2, (long) timeout_ms,
                                 &err);
  if (r < 0)
    {
      pp_error_print (stderr, err);
      pp_error_release (&err);
      return 1;
    }
  return PP_EXIT_OK;
}
