//! ISO 8601 timestamps that are not RFC 3339 (the rule is in the
//! [`models`](super#timestamps) docs), rewritten as RFC 3339 so that the
//! generated types' `DateTime<Utc>` fields read them. Used only by the
//! second decoding pass of `decode.rs`, after a body failed as sent: the
//! fast path never sees this.

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, TimeZone, Utc};
use serde_json::Value;

/// Rewrites, in place, every string member whose name ends in `_at` and
/// that is an ISO 8601 extended date-time but not RFC 3339. Anything else
/// is left as it is (and fails, or not, as before).
pub(crate) fn normalize_timestamps(value: &mut Value) {
    // serde_json limits nesting (128 levels), which bounds the recursion.
    match value {
        Value::Object(map) => {
            for (name, member) in map.iter_mut() {
                match member {
                    Value::String(s) if name.ends_with("_at") => {
                        if let Some(rfc3339) = iso8601_to_rfc3339(s) {
                            *s = rfc3339;
                        }
                    }
                    other => normalize_timestamps(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalize_timestamps),
        _ => {}
    }
}

/// `s` as RFC 3339 in UTC, if it is an ISO 8601 extended date-time:
/// `YYYY-MM-DD`, `T` (either case) or a space, `hh:mm:ss` with optional
/// fractional seconds (`.` or `,`) or `hh:mm`, then `Z`, `±hh:mm`, `±hhmm`, `±hh`, or
/// nothing, which means UTC. `None` for anything else.
fn iso8601_to_rfc3339(s: &str) -> Option<String> {
    let s = s.trim();
    let date = NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
    let rest = s.get(10..)?;
    let rest = rest
        .strip_prefix(['T', 't', ' '])
        .filter(|r| !r.is_empty())?;
    let (time, offset) = split_offset(rest)?;
    let time = time.replace(',', ".");
    let time = NaiveTime::parse_from_str(&time, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(&time, "%H:%M"))
        .ok()?;
    let at = offset
        .from_local_datetime(&NaiveDateTime::new(date, time))
        .single()?;
    Some(
        at.with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::AutoSi, true),
    )
}

/// The time of day and its offset from UTC (none: UTC).
fn split_offset(rest: &str) -> Option<(&str, FixedOffset)> {
    if let Some(time) = rest.strip_suffix(['Z', 'z']) {
        return Some((time, FixedOffset::east_opt(0)?));
    }
    let Some(at) = rest.rfind(['+', '-']) else {
        return Some((rest, FixedOffset::east_opt(0)?));
    };
    let (time, offset) = rest.split_at(at);
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let body = offset.get(1..)?;
    // ±hh, ±hhmm or ±hh:mm.
    let (hh, mm) = match body.len() {
        2 => (body, "00"),
        4 => (body.get(..2)?, body.get(2..)?),
        5 if body.get(2..3) == Some(":") => (body.get(..2)?, body.get(3..)?),
        _ => return None,
    };
    if !hh.bytes().chain(mm.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes): (i32, i32) = (hh.parse().ok()?, mm.parse().ok()?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some((
        time,
        FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_8601_extended_forms_become_rfc_3339_and_nothing_else_does() {
        for (iso, rfc) in [
            ("2018-02-02T22:25:27", "2018-02-02T22:25:27Z"),
            ("2018-02-02 22:25:27.521+00:00", "2018-02-02T22:25:27.521Z"),
            ("2018-02-02t22:25:27.000001z", "2018-02-02T22:25:27.000001Z"),
            ("2018-02-02T23:55:27+01:30", "2018-02-02T22:25:27Z"),
            ("2018-02-02T23:25:27+0100", "2018-02-02T22:25:27Z"),
            ("2018-02-02T20:25:27-02", "2018-02-02T22:25:27Z"),
            ("2018-02-02T22:25:27,25", "2018-02-02T22:25:27.250Z"),
            (" 2018-12-31T23:30:00-01:00 ", "2019-01-01T00:30:00Z"),
            ("2018-02-02T22:25", "2018-02-02T22:25:00Z"),
        ] {
            assert_eq!(iso8601_to_rfc3339(iso).as_deref(), Some(rfc), "{iso}");
        }
        for not in [
            "",
            "2018-02-02",
            "2018-02-02T",
            "2018-02-02T22",
            "2018-02-30T00:00:00",
            "2018-02-02T25:00:00",
            "2018-02-02T22:25:27+1",
            "2018-02-02T22:25:27+01:",
            "2018-02-02T22:25:27+0:100",
            "2018-02-02T22:25:27+24:00",
            "2018-02-02T22:25:27ZZ",
            "2018-02-02X22:25:27",
            "yesterday",
            "2018-02-02T22:25:27 garbage",
            "é018-02-02T22:25:27",
        ] {
            assert_eq!(iso8601_to_rfc3339(not), None, "{not}");
        }
    }

    #[test]
    fn only_string_members_named_at_are_rewritten() {
        let mut v = serde_json::json!({
            "created_at": "2018-02-02 22:25:27",
            "organization_name": "2018-02-02 22:25:27",
            "data": [{"updated_at": "2018-02-02T22:25:27"}, {"last_sign_in_at": 5}],
            "meta": {"nested": {"created_at": "not a date"}},
        });
        normalize_timestamps(&mut v);
        assert_eq!(
            v,
            serde_json::json!({
                "created_at": "2018-02-02T22:25:27Z",
                "organization_name": "2018-02-02 22:25:27",
                "data": [{"updated_at": "2018-02-02T22:25:27Z"}, {"last_sign_in_at": 5}],
                "meta": {"nested": {"created_at": "not a date"}},
            })
        );
    }
}
