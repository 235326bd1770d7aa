//! Which database a store talks to, and the one piece of SQL that is written differently for
//! each: packing many rows into one value.

/// Which database a store talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A subquery giving the rows of `from` (`FROM …`, may refer to the outer query) as one JSON
/// array of arrays of `columns`, as text; `[]` when there are none. One value instead of many
/// rows, because SQLite's driver hands rows over from its worker thread one at a time.
pub(crate) fn packed(backend: Backend, columns: &str, from: &str) -> String {
    match backend {
        Backend::Sqlite => format!("(SELECT json_group_array(json_array({columns})) {from})"),
        Backend::Postgres => {
            format!("(SELECT COALESCE(json_agg(json_build_array({columns}))::text, '[]') {from})")
        }
    }
}
