//! Reading portable column types back into domain values.

use crate::StoreError;
use sqlx::Row;
use sqlx::any::AnyRow;

pub(crate) fn text(row: &AnyRow, column: &str) -> Result<String, StoreError> {
    Ok(row.try_get::<String, _>(column)?)
}

pub(crate) fn opt_text(row: &AnyRow, column: &str) -> Result<Option<String>, StoreError> {
    Ok(row.try_get::<Option<String>, _>(column)?)
}

pub(crate) fn int(row: &AnyRow, column: &str) -> Result<i64, StoreError> {
    Ok(row.try_get::<i64, _>(column)?)
}

pub(crate) fn opt_int(row: &AnyRow, column: &str) -> Result<Option<i64>, StoreError> {
    Ok(row.try_get::<Option<i64>, _>(column)?)
}

pub(crate) fn flag(row: &AnyRow, column: &str) -> Result<bool, StoreError> {
    Ok(int(row, column)? != 0)
}

/// Parses a stored value with a domain parser; a failure means the row is corrupt.
pub(crate) fn parsed<T, E: std::fmt::Display>(
    column: &str,
    raw: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, StoreError> {
    parse(raw).map_err(|e| StoreError::Corrupt(format!("{column} '{raw}': {e}")))
}

/// SQL's boolean as both backends store it.
pub(crate) fn bit(value: bool) -> i64 {
    i64::from(value)
}

/// The placeholders of an `IN (...)` list of `count` values bound after `before` others:
/// `$2, $3, $4` for three after one.
pub(crate) fn in_list(before: usize, count: usize) -> String {
    let marks: Vec<String> = (before + 1..=before + count)
        .map(|n| format!("${n}"))
        .collect();
    marks.join(", ")
}
