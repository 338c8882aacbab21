/* libFuzzer target: arbitrary bytes as a DNS query a pod sends its network's resolver, answered from Services and
   pods of every kind (with an address, headless, ExternalName, SRV ports), over UDP and TCP sizes. */
#include "net/dns.h"
#include "net/names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static pp_names_t *
world (void)
{
  pp_service_rec_t *svcs = xzalloc (3 * sizeof *svcs);
  svcs[0] = (pp_service_rec_t){ xstrdup ("default"),
                                xstrdup ("web"),
                                NULL,
                                NULL,
                                xstrdup ("10.96.0.10"),
                                xstrdup ("{\"selector\":{\"app\":\"web\"},\"ports\":[{\"name\":\"http\",\"protocol\":"
                                         "\"TCP\",\"port\":80,\"targetPort\":\"http\"}]}"),
                                0 };
  svcs[1] = (pp_service_rec_t){ xstrdup ("default"),
                                xstrdup ("db"),
                                NULL,
                                NULL,
                                NULL,
                                xstrdup ("{\"selector\":{\"app\":\"db\"},\"notReady\":true,\"ports\":[{\"name\":\"pg\","
                                         "\"protocol\":\"TCP\",\"port\":5432,\"targetPort\":\"pg\"}]}"),
                                0 };
  svcs[2] = (pp_service_rec_t){ xstrdup ("default"),
                                xstrdup ("ext"),
                                NULL,
                                NULL,
                                NULL,
                                xstrdup ("{\"externalName\":\"db.default.svc.cluster.local\"}"),
                                0 };
  size_t n = 40;
  pp_endpoint_rec_t *eps = xzalloc (n * sizeof *eps);
  for (size_t i = 0; i < n; i++)
    eps[i] = (pp_endpoint_rec_t){ xasprintf ("id%zu", i),
                                  xasprintf ("db-%zu", i),
                                  xstrdup ("default"),
                                  xstrdup ("{\"app\":\"db\"}"),
                                  xstrdup ("{\"pg\":{\"port\":5432}}"),
                                  xstrdup ("10.244.0.0/16"),
                                  i + 2,
                                  i % 2,
                                  xstrdup ("podplay"),
                                  i % 3 ? xasprintf ("h%zu", i) : NULL,
                                  xstrdup ("db"),
                                  i % 4 ? xstrdup ("fd00:10:244::/64") : NULL };
  return pp_names_new ("podplay", svcs, 3, eps, n);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static pp_names_t *w;
  if (w == NULL)
    w = world ();
  pp_dns_query_t q;
  int rc = pp_dns_parse_query (data, size, &q);
  if (rc < 0)
    return 0;
  if (strlen (q.name) > 253 || q.qend > size || q.udp_size < PP_DNS_UDP_MIN || q.udp_size > PP_DNS_UDP_MAX)
    abort ();
  pp_names_answer_t ans = { 0 };
  if (rc == 0)
    pp_names_lookup (w, q.name, q.plain, q.qtype, &ans);
  static uint8_t out[65535];
  size_t sizes[] = { q.udp_size, sizeof out, 12 };
  for (size_t i = 0; i < 3; i++)
    {
      size_t len = pp_dns_reply (data, &q,
                                 rc              ? rc
                                 : ans.rcode < 0 ? PP_DNS_SERVFAIL
                                                 : ans.rcode,
                                 ans.authoritative, ans.rrs, ans.n, out, sizes[i]);
      /* A reply within its bound, with the query's id, that reads as a reply. */
      if (len > sizes[i] || len < 12 || out[0] != data[0] || out[1] != data[1] || !(out[2] & 0x80))
        abort ();
      pp_dns_query_t again;
      if (pp_dns_parse_query (out, len, &again) != -1)
        abort ();
    }
  pp_names_answer_release (&ans);
  return 0;
}
