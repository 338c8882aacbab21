/* `podplay kube generate`: Kubernetes YAML of pods, volumes or a whole play, on stdout or into a file. */
#include "core/file.h"
#include "generate/generate.h"
#include "src/cli/cli.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
pp_cmd_kube_generate (pp_cli_t *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "type", required_argument, NULL, 't' }, { "replicas", required_argument, NULL, 'r' },
    { "service", no_argument, NULL, 's' },    { "filename", required_argument, NULL, 'f' },
    { "play", required_argument, NULL, 'P' }, { NULL, 0, NULL, 0 },
  };
  pp_generate_opts_t gopts = { .replicas = -1 };
  const char *file = NULL;
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, "t:r:sf:", opts)) != -1)
    switch (opt)
      {
      case 't':
        gopts.type = optarg;
        break;
      case 'r':
        {
          char *end = NULL;
          errno = 0;
          long long v = strtoll (optarg, &end, 10);
          if (errno || end == optarg || *end || v < 0 || v > INT32_MAX)
            return pp_cli_usage_error (cli, "--replicas %s: a number of replicas is 0 to %d", optarg, INT32_MAX);
          gopts.replicas = v;
          break;
        }
      case 's':
        gopts.service = true;
        break;
      case 'f':
        file = optarg;
        break;
      case 'P':
        gopts.play = optarg;
        break;
      case 'h':
        return PP_EXIT_OK;
      default:
        return PP_EXIT_ERROR;
      }
  pp_error_t err = NULL;
  pp_buf_t out = { 0 };
  int ret = pp_kube_generate (cli->ctx, argv + optind, (size_t)(argc - optind), &gopts, &out, &err);
  if (ret == 0 && file)
    ret = pp_write_whole (file, out.data ? out.data : "", out.len, 0644, &err);
  else if (ret == 0 && out.len && fwrite (out.data, 1, out.len, stdout) != out.len)
    ret = pp_error_make (&err, errno, "write the YAML");
  pp_buf_free (&out);
  if (ret < 0)
    return pp_cli_fail (&err);
  return PP_EXIT_OK;
}
