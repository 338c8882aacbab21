/* podplay-monitor: a pod's monitor as a binary of its own, started by podplay as `podplay-monitor --root R
   --runroot RR --log-level L monitor POD` (the arguments `podplay monitor` takes).  It links only what
   supervision needs (the state database, cgroups, the executor, seccomp), not the image store, the registry
   client or the YAML loader with the libraries behind them: a monitor per pod starts faster and keeps less
   memory. */
#include "core/context.h"
#include "core/log.h"
#include "runtime/monitor.h"

#include <stdio.h>
#include <string.h>

int
main (int argc, char **argv)
{
  pp_context_t ctx;
  pp_context_init (&ctx);
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
  if (argc - i != 2 || strcmp (argv[i], "monitor") != 0)
    {
      fprintf (stderr, "usage: podplay-monitor [--root DIR] [--runroot DIR] [--log-level LEVEL] monitor POD\n"
                       "(started by podplay itself, one per pod)\n");
      return 125;
    }
  int ret = pp_monitor_main (&ctx, argv[i + 1], 3);
  pp_context_release (&ctx);
  return ret;
}
