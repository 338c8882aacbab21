/* `podplay kube generate`: Kubernetes YAML of pods, volumes or a whole play, on stdout or into a file. */
#include "generate/generate.h"
#include "src/cli/cli.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* `data` into `path` whole or not at all: a file beside it, renamed over it. */
static int
write_file (const char *path, const char *data, size_t len, pp_error_t *err)
{
  cleanup_free char *tmp = xasprintf ("%s.XXXXXX", path);
  int fd = mkstemp (tmp);
  if (fd < 0)
    return pp_error_make (err, errno, "create a file beside `%s`", path);
  int ret = 0;
  for (size_t off = 0; ret == 0 && off < len;)
    {
      ssize_t w = write (fd, data + off, len - off);
      if (w < 0 && errno != EINTR)
        ret = pp_error_make (err, errno, "write `%s`", tmp);
      else if (w > 0)
        off += (size_t)w;
    }
  if (ret == 0 && fchmod (fd, 0644) < 0)
    ret = pp_error_make (err, errno, "chmod `%s`", tmp);
  if (close (fd) < 0 && ret == 0)
    ret = pp_error_make (err, errno, "write `%s`", tmp);
  if (ret == 0 && rename (tmp, path) < 0)
    ret = pp_error_make (err, errno, "rename `%s` to `%s`", tmp, path);
  if (ret < 0)
    unlink (tmp);
  return ret;
}

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
    ret = write_file (file, out.data ? out.data : "", out.len, &err);
  else if (ret == 0 && out.len && fwrite (out.data, 1, out.len, stdout) != out.len)
    ret = pp_error_make (&err, errno, "write the YAML");
  pp_buf_free (&out);
  if (ret < 0)
    return pp_cli_fail (&err);
  return PP_EXIT_OK;
}
