/* Parsing image references with the distribution grammar and Podman's short-name rules. */
#include "image/ref.h"
#include "image/digest.h"
#include "schema/checks.h"

#include <string.h>

int
pp_ref_parse (const char *text, pp_ref_t *ref, pp_error_t *err)
{
  memset (ref, 0, sizeof *ref);
  const char *why = pp_check_image (text);
  const char *at_digest = strchr (text, '@');
  if (why == NULL && at_digest && strncmp (at_digest + 1, "sha256:", 7) == 0 && !pp_digest_valid (at_digest + 1, NULL))
    why = "has a malformed digest: sha256 takes 64 lowercase hex digits";
  const char *first_slash = strchr (text, '/');
  const char *port = first_slash ? memchr (text, ':', (size_t) (first_slash - text)) : NULL;
  if (why == NULL && port)
    for (const char *p = port + 1; p < first_slash; p++)
      if (*p < '0' || *p > '9' || port + 1 == first_slash)
        {
          why = "has a registry port that is not a number";
          break;
        }
  if (why)
    return pp_error_make (err, 0, "invalid image reference `%s`: %s", text, why);
  cleanup_free char *s = xstrdup (text);
  char *at = strchr (s, '@');
  if (at)
    {
      ref->digest = xstrdup (at + 1);
      *at = '\0';
    }
  char *slash = strrchr (s, '/');
  char *colon = strrchr (slash ? slash : s, ':');
  if (colon)
    {
      ref->tag = xstrdup (colon + 1);
      *colon = '\0';
    }
  else if (ref->digest == NULL)
    ref->tag = xstrdup ("latest");
  char *first = strchr (s, '/');
  bool host = first && (memchr (s, '.', (size_t) (first - s)) || memchr (s, ':', (size_t) (first - s))
                        || ((size_t) (first - s) == 9 && strncmp (s, "localhost", 9) == 0));
  if (host)
    {
      ref->registry = xstrndup (s, (size_t) (first - s));
      ref->repository = xstrdup (first + 1);
    }
  else
    {
      ref->registry = xstrdup ("docker.io");
      ref->repository = first ? xstrdup (s) : xasprintf ("library/%s", s);
    }
  return 0;
}

char *
pp_ref_string (const pp_ref_t *ref)
{
  /* With both, the digest is what the name means; the tag stays for people to read. */
  if (ref->tag && ref->digest)
    return xasprintf ("%s/%s:%s@%s", ref->registry, ref->repository, ref->tag, ref->digest);
  if (ref->tag)
    return xasprintf ("%s/%s:%s", ref->registry, ref->repository, ref->tag);
  return xasprintf ("%s/%s@%s", ref->registry, ref->repository, ref->digest);
}

void
pp_ref_release (pp_ref_t *ref)
{
  free (ref->registry);
  free (ref->repository);
  free (ref->tag);
  free (ref->digest);
  memset (ref, 0, sizeof *ref);
}
