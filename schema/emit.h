/* The emitter: an object as YAML, by the same schema tables that load and validate it.  Keys sorted, as kubectl
   writes them; each value written as its field's type has it (an int field's 0x1F as 31, a string field's 80 as
   "80"); strings quoted only where a plain scalar would read as something else. */
#ifndef PP_EMIT_H
#define PP_EMIT_H

#include "core/util.h"
#include "schema/node.h"

/* Appends the object `obj` (a mapping) of type `type` as a block mapping at column 0, ending in a newline.  A null
   value of an object field is written as {} (podplay reads `emptyDir:` so), one of any other field is left out;
   fields not in the table are written as they were read. */
void pp_emit_object (pp_buf_t *b, const pp_node_t *obj, const pp_type_t *type);

/* Appends `s` as a YAML scalar: plain where that reads back as this string, else double-quoted.  For keys and
   flow contexts: never a block scalar. */
void pp_emit_string (pp_buf_t *b, const char *s, size_t len);

#endif
