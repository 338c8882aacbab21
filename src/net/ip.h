/* IP addresses and subnets of pod networks, IPv4 and IPv6 alike: parsing, printing, containment, overlap and the
   n-th address of a subnet (what address allocation counts in).  Pure code, no system calls. */
#ifndef PP_NET_IP_H
#define PP_NET_IP_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/* An address: `family` AF_INET (the first 4 bytes of `a` used) or AF_INET6, 0 for none; bytes in network order. */
typedef struct
{
  int family;
  uint8_t a[16];
} pp_ip_t;

/* A subnet, or an address with its prefix length (an interface's address). */
typedef struct
{
  pp_ip_t ip;
  unsigned prefix;
} pp_ipnet_t;

#define PP_IP_STRLEN 46    /* INET6_ADDRSTRLEN */
#define PP_IPNET_STRLEN 50 /* and "/128" */

/* "10.1.2.3", "fd00::1": true when `s` is an address of either family. */
bool pp_ip_parse (const char *s, pp_ip_t *ip);
/* "10.244.0.0/16": true when `s` is an address, a slash and a prefix length the family allows; `net` keeps the
   address as written (pp_ipnet_mask makes it the subnet's first address). */
bool pp_ipnet_parse (const char *s, pp_ipnet_t *net);
/* Writes `ip` into `buf` (PP_IP_STRLEN bytes); returns `buf`. */
char *pp_ip_format (const pp_ip_t *ip, char *buf);
/* Writes "address/prefix" into `buf` (PP_IPNET_STRLEN bytes); returns `buf`. */
char *pp_ipnet_format (const pp_ipnet_t *net, char *buf);

size_t pp_ip_len (const pp_ip_t *ip); /* 4, 16, or 0 */
bool pp_ip_equal (const pp_ip_t *a, const pp_ip_t *b);
/* Clears the host bits of `net`. */
void pp_ipnet_mask (pp_ipnet_t *net);
bool pp_ipnet_contains (const pp_ipnet_t *net, const pp_ip_t *ip);
/* Whether the two subnets share an address (one contains the other's first address). */
bool pp_ipnet_overlaps (const pp_ipnet_t *a, const pp_ipnet_t *b);
/* The address `n` after the subnet's first; false when the subnet has no such address. */
bool pp_ipnet_nth (const pp_ipnet_t *net, uint64_t n, pp_ip_t *ip);
/* How far `ip` is from the subnet's first address (pp_ipnet_nth's inverse); false when it is not in the subnet or
   further than 2^64 - 1. */
bool pp_ipnet_offset (const pp_ipnet_t *net, const pp_ip_t *ip, uint64_t *n);
/* How many addresses the subnet has, 2^64 - 1 at most. */
uint64_t pp_ipnet_size (const pp_ipnet_t *net);

#endif
