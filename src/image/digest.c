/* SHA-256 over streams with OpenSSL's EVP interface. */
#include "image/digest.h"
#include "core/ondemand.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <string.h>

struct pp_sha256
{
  EVP_MD_CTX *md;
};

pp_sha256_t *
pp_sha256_new (void)
{
  pp_sha256_t *h = xzalloc (sizeof *h);
  h->md = EVP_MD_CTX_new ();
  if (h->md == NULL || EVP_DigestInit_ex (h->md, EVP_sha256 (), NULL) != 1)
    abort ();
  return h;
}

void
pp_sha256_update (pp_sha256_t *h, const void *data, size_t len)
{
  EVP_DigestUpdate (h->md, data, len);
}

void
pp_sha256_finish (pp_sha256_t *h, char out[72])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex (h->md, md, &n);
  memcpy (out, "sha256:", 7);
  for (unsigned int i = 0; i < n; i++)
    snprintf (out + 7 + 2 * i, 3, "%02x", md[i]);
  EVP_MD_CTX_free (h->md);
  free (h);
}

bool
pp_digest_valid (const char *digest, const char **hex)
{
  if (digest == NULL || strncmp (digest, "sha256:", 7) != 0 || strlen (digest) != 7 + PP_DIGEST_HEX)
    return false;
  for (const char *p = digest + 7; *p; p++)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
      return false;
  if (hex)
    *hex = digest + 7;
  return true;
}

int
pp_digest_fd (int fd, char out[72], pp_error_t *err)
{
  if (pp_ondemand_need (PP_LIB_CRYPTO, err) < 0)
    return -1;
  pp_sha256_t *h = pp_sha256_new ();
  char buf[65536];
  for (off_t off = 0;;)
    {
      ssize_t r = PP_RETRY (pread (fd, buf, sizeof buf, off));
      if (r < 0)
        {
          pp_sha256_finish (h, out);
          return pp_error_make (err, errno, "read");
        }
      if (r == 0)
        break;
      pp_sha256_update (h, buf, (size_t) r);
      off += r;
    }
  pp_sha256_finish (h, out);
  return 0;
}
