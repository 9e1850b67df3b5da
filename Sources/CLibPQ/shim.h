#ifndef ORDERBATCH_CLIBPQ_SHIM_H
#define ORDERBATCH_CLIBPQ_SHIM_H
#include <libpq-fe.h>

/// PG_DIAG_SQLSTATE is a character-literal macro ('C'); Swift imports it with a type that
/// PQresultErrorField does not take, so it is passed through here as the int the function expects.
static inline int clibpq_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }

/// PG_DIAG_MESSAGE_PRIMARY ('M'), as for clibpq_diag_sqlstate.
static inline int clibpq_diag_message(void) { return PG_DIAG_MESSAGE_PRIMARY; }

/// PG_DIAG_MESSAGE_DETAIL ('D'), as for clibpq_diag_sqlstate.
static inline int clibpq_diag_detail(void) { return PG_DIAG_MESSAGE_DETAIL; }

/// PG_DIAG_MESSAGE_HINT ('H'), as for clibpq_diag_sqlstate.
static inline int clibpq_diag_hint(void) { return PG_DIAG_MESSAGE_HINT; }

/// A notice processor that drops the server's notices (NOTICE, WARNING), which libpq would otherwise
/// print on standard error ("relation already exists, skipping"); errors still arrive as results.
static inline void clibpq_ignore_notice(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

/// Installs clibpq_ignore_notice on a connection.
static inline void clibpq_silence_notices(PGconn *conn) {
    PQsetNoticeProcessor(conn, clibpq_ignore_notice, 0);
}
#endif
