/* What every cmocka unit test includes. */
#ifndef PP_UNIT_H
#define PP_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/util.h"

#endif
