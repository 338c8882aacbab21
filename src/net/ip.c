/* IP addresses and subnets: the arithmetic of address allocation, on bytes in network order. */
#include "net/ip.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

size_t
pp_ip_len (const pp_ip_t *ip)
{
  return ip->family == AF_INET ? 4 : ip->family == AF_INET6 ? 16 : 0;
}

bool
pp_ip_parse (const char *s, pp_ip_t *ip)
{
  memset (ip, 0, sizeof *ip);
  if (inet_pton (AF_INET, s, ip->a) == 1)
    ip->family = AF_INET;
  else if (inet_pton (AF_INET6, s, ip->a) == 1)
    ip->family = AF_INET6;
  return ip->family != 0;
}

bool
pp_ipnet_parse (const char *s, pp_ipnet_t *net)
{
  memset (net, 0, sizeof *net);
  const char *slash = strchr (s, '/');
  if (slash == NULL || slash - s >= PP_IP_STRLEN)
    return false;
  char addr[PP_IP_STRLEN];
  memcpy (addr, s, (size_t)(slash - s));
  addr[slash - s] = '\0';
  const char *p = slash + 1;
  if (!pp_ip_parse (addr, &net->ip) || *p < '0' || *p > '9' || (p[0] == '0' && p[1] != '\0') || strlen (p) > 3)
    return false;
  char *end;
  unsigned long prefix = strtoul (p, &end, 10);
  if (*end != '\0' || prefix > pp_ip_len (&net->ip) * 8)
    return false;
  net->prefix = (unsigned)prefix;
  return true;
}

char *
pp_ip_format (const pp_ip_t *ip, char *buf)
{
  if (ip->family == 0 || inet_ntop (ip->family, ip->a, buf, PP_IP_STRLEN) == NULL)
    strcpy (buf, "");
  return buf;
}

char *
pp_ipnet_format (const pp_ipnet_t *net, char *buf)
{
  char ip[PP_IP_STRLEN];
  snprintf (buf, PP_IPNET_STRLEN, "%s/%u", pp_ip_format (&net->ip, ip), net->prefix);
  return buf;
}

bool
pp_ip_equal (const pp_ip_t *a, const pp_ip_t *b)
{
  return a->family == b->family && memcmp (a->a, b->a, pp_ip_len (a)) == 0;
}

/* Clears the bits of `ip` after the first `prefix`. */
static void
mask_bits (pp_ip_t *ip, unsigned prefix)
{
  size_t len = pp_ip_len (ip);
  for (size_t i = 0; i < len; i++)
    {
      unsigned keep = prefix >= (i + 1) * 8 ? 8 : prefix > i * 8 ? prefix - (unsigned)i * 8 : 0;
      ip->a[i] &= (uint8_t)(0xff00u >> keep);
    }
}

void
pp_ipnet_mask (pp_ipnet_t *net)
{
  mask_bits (&net->ip, net->prefix);
}

bool
pp_ipnet_contains (const pp_ipnet_t *net, const pp_ip_t *ip)
{
  if (ip->family != net->ip.family)
    return false;
  pp_ip_t a = *ip, b = net->ip;
  mask_bits (&a, net->prefix);
  mask_bits (&b, net->prefix);
  return pp_ip_equal (&a, &b);
}

bool
pp_ipnet_overlaps (const pp_ipnet_t *a, const pp_ipnet_t *b)
{
  return pp_ipnet_contains (a, &b->ip) || pp_ipnet_contains (b, &a->ip);
}

uint64_t
pp_ipnet_size (const pp_ipnet_t *net)
{
  unsigned host_bits = (unsigned)pp_ip_len (&net->ip) * 8 - net->prefix;
  return host_bits >= 64 ? UINT64_MAX : (uint64_t)1 << host_bits;
}

bool
pp_ipnet_nth (const pp_ipnet_t *net, uint64_t n, pp_ip_t *ip)
{
  if (net->ip.family == 0 || (pp_ipnet_size (net) != UINT64_MAX && n >= pp_ipnet_size (net)))
    return false;
  *ip = net->ip;
  mask_bits (ip, net->prefix);
  /* Add n to the last 8 bytes (or 4), carrying; the host bits were zero, so nothing reaches the prefix. */
  size_t len = pp_ip_len (ip);
  unsigned carry = 0;
  for (size_t i = len; i-- > 0;)
    {
      unsigned byte = (len - 1 - i) < 8 ? (unsigned)((n >> ((len - 1 - i) * 8)) & 0xff) : 0;
      unsigned sum = ip->a[i] + byte + carry;
      ip->a[i] = (uint8_t)sum;
      carry = sum >> 8;
    }
  return true;
}

bool
pp_ipnet_offset (const pp_ipnet_t *net, const pp_ip_t *ip, uint64_t *n)
{
  if (!pp_ipnet_contains (net, ip))
    return false;
  size_t len = pp_ip_len (ip);
  unsigned host_bits = (unsigned)len * 8 - net->prefix;
  if (host_bits > 64)
    {
      /* Only the last 8 bytes count; a host part beyond them is too far. */
      pp_ip_t first = net->ip;
      mask_bits (&first, net->prefix);
      for (size_t i = 0; i + 8 < len; i++)
        if (ip->a[i] != first.a[i])
          return false;
    }
  uint64_t v = 0;
  for (size_t i = len > 8 ? len - 8 : 0; i < len; i++)
    v = v << 8 | ip->a[i];
  uint64_t mask = host_bits >= 64 ? UINT64_MAX : ((uint64_t)1 << host_bits) - 1;
  *n = v & mask;
  return true;
}
