/* DNS messages: a query read, a reply written (see dns.h). */
#include "net/dns.h"

#include <string.h>

#define HDR 12

static uint16_t
get16 (const uint8_t *p)
{
  return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16 (uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

uint16_t
pp_dns_id (const uint8_t *msg, size_t len)
{
  return len >= HDR ? get16 (msg) : 0;
}

/* The question's name at `*off`, as pp_dns_query_t keeps it; moves `*off` past it.  Compression is refused: a
   question has nothing before it to point at. */
static int
read_name (const uint8_t *msg, size_t len, size_t *off, pp_dns_query_t *q)
{
  size_t o = *off, n = 0, wire = 1;
  q->plain = true;
  for (;;)
    {
      if (o >= len)
        return -1;
      uint8_t l = msg[o++];
      if (l == 0)
        break;
      wire += 1u + l;
      if (l > 63 || o + l > len || wire > 255)
        return -1;
      if (n)
        q->name[n++] = '.';
      for (uint8_t i = 0; i < l; i++)
        {
          uint8_t c = msg[o + i];
          if (c >= 'A' && c <= 'Z')
            c = (uint8_t)(c - 'A' + 'a');
          if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            {
              q->plain = false;
              c = '?';
            }
          q->name[n++] = (char)c;
        }
      o += l;
    }
  q->name[n] = '\0';
  *off = o;
  return 0;
}

int
pp_dns_parse_query (const uint8_t *msg, size_t len, pp_dns_query_t *q)
{
  memset (q, 0, sizeof *q);
  if (len < HDR || (msg[2] & 0x80))
    return -1;
  q->id = get16 (msg);
  q->rd = (msg[2] & 0x01) != 0;
  q->udp_size = PP_DNS_UDP_MIN;
  q->qend = HDR;
  unsigned opcode = (msg[2] >> 3) & 0x0f;
  uint16_t qd = get16 (msg + 4), an = get16 (msg + 6), ns = get16 (msg + 8), ar = get16 (msg + 10);
  if (opcode != 0)
    return PP_DNS_NOTIMP;
  size_t off = HDR;
  if (qd != 1 || an != 0 || ns != 0 || read_name (msg, len, &off, q) < 0 || off + 4 > len)
    return PP_DNS_FORMERR;
  q->qtype = get16 (msg + off);
  q->qclass = get16 (msg + off + 2);
  q->qend = off + 4;
  /* An OPT record in the additional section says how large a reply the client takes. */
  off = q->qend;
  for (uint16_t i = 0; i < ar; i++)
    {
      if (off + 11 > len || msg[off] != 0)
        return PP_DNS_FORMERR;
      uint16_t type = get16 (msg + off + 1), size = get16 (msg + off + 3), rdlen = get16 (msg + off + 9);
      if (off + 11 + rdlen > len)
        return PP_DNS_FORMERR;
      if (type == PP_DNS_OPT)
        {
          q->edns = true;
          q->udp_size = size < PP_DNS_UDP_MIN ? PP_DNS_UDP_MIN : size > PP_DNS_UDP_MAX ? PP_DNS_UDP_MAX : size;
        }
      off += 11 + rdlen;
    }
  return q->qclass == 1 || q->qclass == 255 ? PP_DNS_NOERROR : PP_DNS_NOTIMP;
}

/* Appends a name in wire form, uncompressed; 0 when it does not fit (or is not a name). */
static size_t
put_name (uint8_t *out, size_t room, const char *name)
{
  size_t o = 0;
  const char *p = name;
  while (*p)
    {
      const char *dot = strchr (p, '.');
      size_t l = dot ? (size_t)(dot - p) : strlen (p);
      if (l == 0 || l > 63 || o + 1 + l >= room)
        return 0;
      out[o++] = (uint8_t)l;
      memcpy (out + o, p, l);
      o += l;
      p += l + (dot ? 1 : 0);
    }
  if (o + 1 > room || o + 1 > 255)
    return 0;
  out[o++] = 0;
  return o;
}

/* Appends one record; 0 when it does not fit. */
static size_t
put_rr (uint8_t *out, size_t room, const pp_dns_rr_t *rr, uint16_t weight)
{
  size_t o;
  if (rr->owner == NULL)
    {
      if (room < 2)
        return 0;
      put16 (out, 0xc000 | HDR); /* the question's name */
      o = 2;
    }
  else if ((o = put_name (out, room, rr->owner)) == 0)
    return 0;
  if (o + 10 > room)
    return 0;
  put16 (out + o, rr->type);
  put16 (out + o + 2, 1);
  /* Five seconds, as CoreDNS's kubernetes plugin: what changes (an endpoint's readiness) is seen soon. */
  memcpy (out + o + 4, (const uint8_t[]){ 0, 0, 0, 5 }, 4);
  size_t rd = o + 10, len;
  if (rr->type == PP_DNS_A || rr->type == PP_DNS_AAAA)
    {
      len = rr->type == PP_DNS_A ? 4 : 16;
      if (rd + len > room)
        return 0;
      memcpy (out + rd, rr->a, len);
    }
  else if (rr->type == PP_DNS_SRV)
    {
      if (rd + 6 > room)
        return 0;
      put16 (out + rd, 0);
      put16 (out + rd + 2, weight);
      put16 (out + rd + 4, rr->port);
      size_t t = put_name (out + rd + 6, room - rd - 6, rr->target);
      if (t == 0)
        return 0;
      len = 6 + t;
    }
  else
    {
      if ((len = put_name (out + rd, room - rd, rr->target)) == 0)
        return 0;
    }
  put16 (out + o + 8, (uint16_t)len);
  return rd + len;
}

/* Whether the record's names can be written at all (a name of a label over 63 bytes, or over 255 in all, cannot):
   one that cannot is left out, not taken for one that does not fit. */
static bool
writable (const pp_dns_rr_t *rr)
{
  uint8_t tmp[256];
  return (rr->owner == NULL || put_name (tmp, sizeof tmp, rr->owner) > 0)
         && (rr->type == PP_DNS_A || rr->type == PP_DNS_AAAA || put_name (tmp, sizeof tmp, rr->target ? rr->target : "") > 0);
}

size_t
pp_dns_reply (const uint8_t *msg, const pp_dns_query_t *q, int rcode, bool authoritative, const pp_dns_rr_t *rrs,
              size_t n, uint8_t *out, size_t max)
{
  /* The header and the question as they came (the question only when it was read whole). */
  size_t qlen = rcode == PP_DNS_FORMERR || q->qend <= HDR ? 0 : q->qend - HDR;
  size_t opt = q->edns ? 11 : 0;
  if (HDR + qlen + opt > max)
    qlen = 0;
  memset (out, 0, HDR);
  put16 (out, q->id);
  out[2] = (uint8_t)(0x80 | (authoritative ? 0x04 : 0) | (q->rd ? 0x01 : 0));
  out[3] = (uint8_t)(0x80 | (rcode & 0x0f)); /* recursion available: other names are forwarded */
  put16 (out + 4, qlen ? 1 : 0);
  memcpy (out + HDR, msg + HDR, qlen);
  size_t o = HDR + qlen, count = 0, srv = 0;
  for (size_t i = 0; i < n; i++)
    srv += rrs[i].type == PP_DNS_SRV;
  uint16_t weight = (uint16_t)(srv ? 100 / srv : 0);
  for (size_t i = 0; qlen && i < n; i++)
    {
      if (!writable (&rrs[i]))
        continue;
      size_t w = max - opt > o ? put_rr (out + o, max - opt - o, &rrs[i], weight ? weight : 1) : 0;
      if (w == 0)
        {
          out[2] |= 0x02; /* truncated: the client asks again over TCP */
          break;
        }
      o += w;
      count++;
    }
  put16 (out + 6, (uint16_t)count);
  if (opt && o + opt <= max)
    {
      /* OPT: the root, type 41, our UDP size, no extended rcode or flags, no options. */
      memcpy (out + o,
              (const uint8_t[]){ 0, 0, PP_DNS_OPT, PP_DNS_UDP_MAX >> 8, PP_DNS_UDP_MAX & 0xff, 0, 0, 0, 0, 0, 0 }, 11);
      o += 11;
      put16 (out + 10, 1);
    }
  return o;
}
