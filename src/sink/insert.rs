/*!
A prepared `INSERT` for the SQLite sink that binds text without copying it.

rusqlite binds every string as `SQLITE_TRANSIENT`, so SQLite allocates and copies each field
before the row is written, and the statement cache adds a lookup and a `clear_bindings` per use.
A load writes hundreds of thousands of short fields; binding them as `SQLITE_STATIC` (SQLite
reads them in place during the step) removes that copy and its allocation.
*/
use std::ffi::{c_int, CStr};
use std::ptr;

use rusqlite::{ffi, Connection};

use super::sqlite::Field;

/// One prepared statement, bound and run one row at a time.
///
/// It holds the connection's raw handle: its owner must drop it before the [`Connection`]
/// (declare it first among the owner's fields).
pub(crate) struct Insert {
    stmt: *mut ffi::sqlite3_stmt,
    db: *mut ffi::sqlite3,
}

// SAFETY: the bundled SQLite is built thread-safe, and the statement is used by one thread at a
// time, through `&mut self`, like the `Connection` it belongs to (which is `Send`).
unsafe impl Send for Insert {}

/// SQLite's message for the last error on `db`.
fn message(db: *mut ffi::sqlite3) -> String {
    // SAFETY: `db` is an open connection; `sqlite3_errmsg` returns a NUL-terminated string that
    // stays valid until the next call on it, and it is copied at once.
    unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)).to_string_lossy().into_owned() }
}

impl Insert {
    /// Prepares `sql` on `conn`.
    pub(crate) fn new(conn: &Connection, sql: &str) -> Result<Insert, String> {
        let len = c_int::try_from(sql.len()).map_err(|_| "statement too long".to_string())?;
        // SAFETY: the handle is open while `conn` lives, and the owner drops `Insert` first;
        // `sql` is passed with its length, so it needs no NUL.
        unsafe {
            let db = conn.handle();
            let mut stmt = ptr::null_mut();
            let rc =
                ffi::sqlite3_prepare_v2(db, sql.as_ptr().cast(), len, &mut stmt, ptr::null_mut());
            if rc != ffi::SQLITE_OK || stmt.is_null() {
                ffi::sqlite3_finalize(stmt);
                return Err(message(db));
            }
            Ok(Insert { stmt, db })
        }
    }

    /// Binds `row` to the parameters `?1`, `?2`... (one field each, all of them), runs the
    /// statement and resets it.
    pub(crate) fn run(&mut self, row: &[Field<'_>]) -> Result<(), String> {
        // SAFETY: `self.stmt` is a live statement. Text is bound as SQLITE_STATIC: SQLite reads
        // it only while stepping, when `row` is still borrowed. After the reset the parameters
        // still point at `row`'s text, but nothing reads them: this type is the only user of the
        // statement, every step binds all parameters anew first, and finalizing does not read.
        unsafe {
            // A parameter left unbound would still point at an earlier row's text: refuse.
            let params = ffi::sqlite3_bind_parameter_count(self.stmt);
            if c_int::try_from(row.len()) != Ok(params) {
                return Err(format!("{} values for a statement of {params} parameters", row.len()));
            }
            for (i, field) in row.iter().enumerate() {
                let col = i as c_int + 1;
                let rc = match field {
                    Field::Null => ffi::sqlite3_bind_null(self.stmt, col),
                    Field::Int(v) => ffi::sqlite3_bind_int64(self.stmt, col, *v),
                    Field::Real(v) => ffi::sqlite3_bind_double(self.stmt, col, *v),
                    Field::Text(s) => {
                        let len = c_int::try_from(s.len())
                            .map_err(|_| format!("a text of {} bytes is too long", s.len()))?;
                        let text = s.as_ptr().cast();
                        ffi::sqlite3_bind_text(self.stmt, col, text, len, ffi::SQLITE_STATIC())
                    }
                };
                if rc != ffi::SQLITE_OK {
                    return Err(message(self.db));
                }
            }
            let rc = ffi::sqlite3_step(self.stmt);
            let result = if rc == ffi::SQLITE_DONE { Ok(()) } else { Err(message(self.db)) };
            ffi::sqlite3_reset(self.stmt);
            result
        }
    }
}

impl Drop for Insert {
    fn drop(&mut self) {
        // SAFETY: the statement is live and finalized once; the connection is still open (see
        // the type's documentation).
        unsafe {
            ffi::sqlite3_finalize(self.stmt);
        }
    }
}
