/* A fast reader for the block-style YAML that manifests are written in, which gives up on anything else. */
#ifndef PP_YSCAN_H
#define PP_YSCAN_H

#include "schema/node.h"

typedef struct pp_yscan pp_yscan_t;

/* NULL when `data` holds anything that libyaml's reader would refuse or count differently (bytes that are not
   UTF-8, control characters, a byte order mark, unusual line breaks): such a stream is libyaml's from its start. */
pp_yscan_t *pp_yscan_new (const char *data, size_t len, uint32_t line_base);
/* 1 with the next document's tree in `doc` (its root, line and arena), 0 at the end of the stream, -1 when the
   next document holds something this reader does not take, or an error: nothing is reported then, and the
   document starts at pp_yscan_where.  *dups says that a mapping of the document may have a key twice. */
int pp_yscan_next (pp_yscan_t *s, pp_doc_t *doc, bool *dups);
/* The byte offset and the number of lines before the document it last gave up on. */
void pp_yscan_where (const pp_yscan_t *s, size_t *offset, uint32_t *lines);
void pp_yscan_free (pp_yscan_t *s);

#endif
