/* podplay-monitor: a pod's monitor as a binary of its own, started by podplay as `podplay-monitor --root R
   --runroot RR --log-level L monitor POD` (the arguments `podplay monitor` takes).  It links only what
   supervision needs (the state database, cgroups, the executor, seccomp), not the image store, the registry
   client or the YAML loader with the libraries behind them: a monitor per pod starts faster and keeps less
   memory. */
#include "core/context.h"
#include "core/log.h"
#include "net/resolver.h"
#include "runtime/monitor.h"
#include "runtime/pod.h"

#include <stdio.h>
#include <string.h>

int
main (int argc, char **argv)
{
  pp_context_t ctx;
  pp_context_init (&ctx);
  /* The resolver asks dns_servers of the configuration podplay read (PODPLAY_CONFIG comes with the environment),
     read before the arguments, which override it as podplay's own do. */
  pp_error_t err = NULL;
  if (argc >= 2 && strcmp (argv[argc - 2], "dns") == 0 && pp_context_load_config (&ctx, &err) < 0)
    pp_error_release (&err);
  int i = 1;
  for (; i + 1 < argc && strncmp (argv[i], "--", 2) == 0; i += 2)
    {
      if (strcmp (argv[i], "--root") == 0)
        pp_context_set_root (&ctx, argv[i + 1]);
      else if (strcmp (argv[i], "--runroot") == 0)
        pp_context_set_runroot (&ctx, argv[i + 1]);
      else if (strcmp (argv[i], "--log-level") == 0 && pp_log_level_parse (argv[i + 1]) >= 0)
        ctx.log_level = (pp_log_level_t) pp_log_level_parse (argv[i + 1]);
      else
        break;
    }
  if (argc - i != 2 || (strcmp (argv[i], "monitor") != 0 && strcmp (argv[i], "dns") != 0))
    {
      fprintf (stderr,
               "usage: podplay-monitor [--root DIR] [--runroot DIR] [--log-level LEVEL] monitor POD|dns NETWORK\n"
               "(started by podplay itself, one per pod and one per pod network)\n");
      return 125;
    }
  pp_helper_detach ();
  int ret;
  if (strcmp (argv[i], "dns") == 0)
    ret = pp_resolver_main (&ctx, argv[i + 1]);
  else
    ret = pp_monitor_main (&ctx, argv[i + 1], 3);
  pp_context_release (&ctx);
  return ret;
}
