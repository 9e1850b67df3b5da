#ifndef ORDERBATCH_CCSV_SHIM_H
#define ORDERBATCH_CCSV_SHIM_H
// libcsv (Debian libcsv-dev) ships no pkg-config file; the modulemap links "csv" directly.
#include <stddef.h>
#include <csv.h>

// MARK: - Parser state libcsv has no function for
//
// The reader numbers each record by the physical line it starts on and caps field sizes, so it
// needs three facts libcsv 3.x keeps only in `struct csv_parser` (public in csv.h, since callers
// allocate it, and unchanged across 3.x): whether a row has begun, whether the field began with a
// quote, and how many bytes of the field are buffered. These accessors are the only code that
// touches the struct's fields; Swift calls them and never the fields.

/// libcsv's `pstate` values (libcsv.c): between rows, and inside a field with no closing quote pending.
enum { CCSV_ROW_NOT_BEGUN = 0, CCSV_FIELD_BEGUN = 2 };

/// Whether the parser has consumed bytes of a row it has not submitted yet.
static inline int ccsv_is_inside_row(const struct csv_parser *p) { return p->pstate != CCSV_ROW_NOT_BEGUN; }

/// Whether the field being read began with a quote.
static inline int ccsv_is_inside_quoted_field(const struct csv_parser *p) { return p->quoted != 0; }

/// How many bytes of the current, unfinished field libcsv is holding.
static inline size_t ccsv_buffered_field_bytes(const struct csv_parser *p) { return p->entry_pos; }

/// Drops the bytes buffered for the current field once it is known to be too long (its content will
/// be discarded), so libcsv stops holding more of it; does nothing outside `FIELD_BEGUN`, the one
/// state in which libcsv keeps no state in the buffered bytes (after a possible closing quote it does).
///
/// The one write to libcsv's fields, and unavoidable: libcsv has no function that drops or caps the
/// field buffer. The public alternative, a `csv_set_realloc_func` that refuses to grow past the cap,
/// makes libcsv fail the whole parse with CSV_ENOMEM, losing the parser's place: the reader could no
/// longer report "field too long" on that row and go on with the next one.
static inline void ccsv_discard_buffered_field(struct csv_parser *p) {
    if (p->pstate != CCSV_FIELD_BEGUN) return;
    p->entry_pos = 0;
    p->spaces = 0;
}
#endif
