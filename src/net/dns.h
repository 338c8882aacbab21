/* DNS messages as the pods' resolver reads and writes them (RFC 1035, with EDNS of RFC 6891): one question in, a
   reply out, every byte a pod sent checked against the message's length.  No I/O here; the resolver (resolver.c)
   and the fuzz target call it. */
#ifndef PP_NET_DNS_H
#define PP_NET_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum
{
  PP_DNS_A = 1,
  PP_DNS_CNAME = 5,
  PP_DNS_PTR = 12,
  PP_DNS_AAAA = 28,
  PP_DNS_SRV = 33,
  PP_DNS_OPT = 41,
  PP_DNS_ANY = 255,
};

enum
{
  PP_DNS_NOERROR = 0,
  PP_DNS_FORMERR = 1,
  PP_DNS_SERVFAIL = 2,
  PP_DNS_NXDOMAIN = 3,
  PP_DNS_NOTIMP = 4,
  PP_DNS_REFUSED = 5,
};

#define PP_DNS_UDP_MIN 512
#define PP_DNS_UDP_MAX 1232 /* what we say we take, and the most we send over UDP (DNS flag day 2020) */

typedef struct
{
  uint16_t id;
  bool rd;        /* recursion desired, echoed */
  char name[256]; /* the question's name, lower case, dotted, no final dot ("" for the root) */
  bool plain;     /* every label of the name is letters, digits, '-' or '_' (else no name of ours matches) */
  size_t qend;    /* the offset just past the question, which the reply repeats */
  uint16_t qtype, qclass;
  bool edns;         /* the query had an OPT record */
  uint16_t udp_size; /* the largest UDP reply the client takes: 512, or its OPT's size within [512, 1232] */
} pp_dns_query_t;

/* Reads a query.  Returns -1 for bytes not worth a reply (shorter than a header, or a reply themselves), else the
   rcode to answer with: PP_DNS_NOERROR when the question can be answered, FORMERR or NOTIMP. */
int pp_dns_parse_query (const uint8_t *msg, size_t len, pp_dns_query_t *q);

/* A record of a reply: `owner` NULL is the question's name.  A: the first 4 bytes of `a`; AAAA: its 16; CNAME, PTR: `target`; SRV: `target` and `port`
   (priority 0, weight 100 / the number of SRV records, as CoreDNS gives them). */
typedef struct
{
  const char *owner;
  uint16_t type;
  uint8_t a[16];
  const char *target;
  uint16_t port;
} pp_dns_rr_t;

/* Writes the reply to query `msg` (as parsed into `q`) into `out` (at most `max` bytes, 12 at least): `rcode`,
   authoritative or not, and the records that fit, with TC set when some did not.  Returns its length. */
size_t pp_dns_reply (const uint8_t *msg, const pp_dns_query_t *q, int rcode, bool authoritative, const pp_dns_rr_t *rrs,
                     size_t n, uint8_t *out, size_t max);

/* The id of a message (of a reply, to check it against its query's), 0 when it has no header. */
uint16_t pp_dns_id (const uint8_t *msg, size_t len);

#endif
