/* An ordinary user's podplay: the subordinate ids of /etc/subuid and /etc/subgid, and the user namespace (the user as
   root inside, the ranges above it, mapped by Debian's newuidmap/newgidmap) that commands which own files enter. */
#ifndef PP_ROOTLESS_H
#define PP_ROOTLESS_H

#include "core/context.h"
#include "core/error.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PP_SUBID_MAX 8
/* In the environment of what a rootless podplay starts in the user's namespace. */
#define PP_ROOTLESS_ENV "_PODPLAY_ROOTLESS" /* ranges per user that are mapped; newuidmap takes at most 340 */

typedef struct
{
  uint32_t start;
  uint32_t count;
} pp_idrange_t;

/* The ids a rootless podplay maps: the user's own id as 0, then each subordinate range in the order of its file. */
typedef struct
{
  uid_t uid;
  gid_t gid;
  char user[64]; /* the user's name, or its uid when /etc/passwd has none */
  pp_idrange_t uids[PP_SUBID_MAX];
  size_t n_uids;
  pp_idrange_t gids[PP_SUBID_MAX];
  size_t n_gids;
} pp_rootless_ids_t;

/* One line of a user namespace's id map: `count` ids from `inner` inside are `outer` on. */
typedef struct
{
  uint64_t inner, outer, count;
} pp_idmap_line_t;

/* The map a rootless podplay writes: the user's own id `self` as 0, then each range in order (`out` holds n + 1
   lines); returns the number of lines. */
size_t pp_rootless_map (uint32_t self, const pp_idrange_t *r, size_t n, pp_idmap_line_t *out);

/* The ranges of `text` (an /etc/subuid or /etc/subgid: `user:start:count` lines, the user by name or by decimal
   id) that belong to `user` or `id`, at most `max`, in file order; ranges of 0 ids, or that overflow 32 bits,
   are left out. */
size_t pp_subid_parse (const char *text, const char *user, unsigned long id, pp_idrange_t *out, size_t max);

/* How many ids of the caller's user namespace follow 0 without a gap (1, 2, ... in its uid_map and gid_map
   both): what an ordinary user's pods of hostUsers: false get their blocks of ids from. */
uint64_t pp_rootless_ids_above_root (void);

/* The calling user's ids and ranges, from /etc/subuid and /etc/subgid (a missing file has none). */
void pp_rootless_ids (pp_rootless_ids_t *ids);

/* Makes the caller (single-threaded, not root) root of a new user namespace that maps its ids and ranges, with a
   mount namespace of its own where the host's mounts still propagate; warns once when only the user's own id could
   be mapped, naming the fix.  Does nothing as root or when already done.  The fallback run root under /tmp is made
   private first (mode 0700, the user's own), and refused when someone else's. */
int pp_rootless_enter (pp_context_t *ctx, pp_error_t *err);

#endif
