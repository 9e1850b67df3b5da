#ifndef ORDERBATCH_CCSV_SHIM_H
#define ORDERBATCH_CCSV_SHIM_H
// libcsv (Debian libcsv-dev) ships no pkg-config file; the modulemap links "csv" directly.
#include <stddef.h>
#include <csv.h>
#endif
