#include <libpq-fe.h>
#include <postgres_ext.h>

/* libpq's PG_DIAG_* codes are character-literal macros, which Swift does not import. */
enum CLibPQDiagnosticField {
    CLibPQDiagSQLState = PG_DIAG_SQLSTATE,
    CLibPQDiagMessagePrimary = PG_DIAG_MESSAGE_PRIMARY,
    CLibPQDiagMessageDetail = PG_DIAG_MESSAGE_DETAIL,
    CLibPQDiagMessageHint = PG_DIAG_MESSAGE_HINT,
    CLibPQDiagStatementPosition = PG_DIAG_STATEMENT_POSITION,
    CLibPQDiagSeverityNonLocalized = PG_DIAG_SEVERITY_NONLOCALIZED,
};
