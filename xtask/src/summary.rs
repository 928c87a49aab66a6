//! What changed between two fragments, in words a reviewer reads before the
//! diff: every operation, parameter, schema, field and enum value, with every
//! fact about it that the wire or the generated client sees (`type`,
//! `format`, `nullable`, `required`, `default`, `in`, `style`, bounds, the
//! bodies and status codes of an operation, ...). Only prose (descriptions,
//! titles, examples) and unread `x-` extensions are left out.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::{Mapping, Value};

/// Facts about one subject (`field ManagedAccount.id`), by name.
type Facts = BTreeMap<String, String>;

/// Every subject of a fragment with its facts.
type Subjects = BTreeMap<String, Facts>;

/// Keywords that change no byte on the wire and no generated type.
const PROSE: &[&str] = &[
    "description",
    "summary",
    "title",
    "example",
    "examples",
    "externalDocs",
    "tags",
];

/// Lines such as `+ parameter ListManagedAccounts filter[foo] (in: query, ...)`,
/// `- field X.y (...)` or `~ field X.y: format uuid -> (none)`, in the order
/// of their subjects; empty when nothing but prose changed.
pub fn summarize(old: Option<&Value>, new: &Value) -> Vec<String> {
    let before = old.map(subjects).unwrap_or_default();
    let after = subjects(new);
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let mut lines = Vec::new();
    for name in names {
        match (before.get(name), after.get(name)) {
            (Some(facts), None) => lines.push(format!("- {name}{}", listed(facts))),
            (None, Some(facts)) => lines.push(format!("+ {name}{}", listed(facts))),
            (Some(was), Some(is)) => {
                let keys: BTreeSet<&String> = was.keys().chain(is.keys()).collect();
                for k in keys {
                    let (a, b) = (was.get(k), is.get(k));
                    if a != b {
                        lines.push(format!("~ {name}: {k} {} -> {}", shown(a), shown(b)));
                    }
                }
            }
            (None, None) => {}
        }
    }
    lines
}

fn listed(facts: &Facts) -> String {
    if facts.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = facts.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!(" ({})", parts.join(", "))
}

fn shown(v: Option<&String>) -> &str {
    v.map_or("(none)", String::as_str)
}

/// A value as one short line: strings as they are, the rest as JSON.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => serde_json::to_string(other).unwrap_or_else(|_| format!("{other:?}")),
    }
}

/// Whether `k` is a fact at all: not prose, not an extension nothing reads
/// (`x-default` is the one that says what the server applies, rule 9).
fn is_fact(k: &str) -> bool {
    !PROSE.contains(&k) && (!k.starts_with("x-") || k == "x-default")
}

fn subjects(doc: &Value) -> Subjects {
    let mut out = Subjects::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_mapping) {
        for (path, item) in paths {
            for (method, op) in item.as_mapping().into_iter().flatten() {
                operation(&mut out, path.as_str().unwrap_or("?"), method, op);
            }
        }
    }
    let schemas = doc
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping);
    for (name, schema) in schemas.into_iter().flatten() {
        let name = name.as_str().unwrap_or("?");
        walk(
            &mut out,
            &format!("schema {name}"),
            ("field", name),
            schema,
            Facts::new(),
        );
    }
    out
}

fn operation(out: &mut Subjects, path: &str, method: &Value, op: &Value) {
    let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
    let method = method.as_str().unwrap_or("?").to_uppercase();
    let mut facts = Facts::new();
    for (k, v) in op.as_mapping().into_iter().flatten() {
        let k = k.as_str().unwrap_or("?");
        if is_fact(k) && !["operationId", "parameters", "requestBody", "responses"].contains(&k) {
            facts.insert(k.to_owned(), text(v));
        }
    }
    if let Some(body) = op.get("requestBody") {
        facts.insert("request body".to_owned(), contents(body));
        let required = body.get("required").and_then(Value::as_bool);
        facts.insert(
            "request body required".to_owned(),
            required.unwrap_or(false).to_string(),
        );
    }
    for (code, response) in op
        .get("responses")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        facts.insert(format!("response {}", text(code)), contents(response));
    }
    out.insert(format!("operation {id} ({method} {path})"), facts);

    for p in op
        .get("parameters")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
    {
        let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
        let mut facts = Facts::new();
        for (k, v) in p.as_mapping().into_iter().flatten() {
            let k = k.as_str().unwrap_or("?");
            if is_fact(k) && !["name", "schema", "required"].contains(&k) {
                facts.insert(k.to_owned(), text(v));
            }
        }
        // An absent `required` is `false`: spelling it out changes nothing.
        let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
        facts.insert("required".to_owned(), required.to_string());
        let here = format!("{id} {name}");
        let subject = format!("parameter {here}");
        match p.get("schema") {
            Some(schema) => walk(out, &subject, ("parameter", &here), schema, facts),
            None => {
                out.insert(subject, facts);
            }
        }
    }
}

/// A request body's or response's media types and schemas, as one line:
/// `application/json ManagedAccountResponse`, or `no body`.
fn contents(body: &Value) -> String {
    let media: Vec<String> = body
        .get("content")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
        .map(|(mime, m)| {
            let schema = m.get("schema").map(schema_name).unwrap_or_default();
            format!("{} {schema}", text(mime)).trim_end().to_owned()
        })
        .collect();
    if media.is_empty() {
        "no body".to_owned()
    } else {
        media.join(", ")
    }
}

/// A `$ref`'d schema by its component name; an inline one as JSON.
fn schema_name(schema: &Value) -> String {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => r.rsplit('/').next().unwrap_or(r).to_owned(),
        None => text(schema),
    }
}

/// Records `schema`'s facts under `subject` (after `facts`, what its context
/// knows, such as whether its parent requires it) and its parts as subjects
/// of their own: `(kind, path)` names them, `field X.y`, `field X.y[]`.
fn walk(
    out: &mut Subjects,
    subject: &str,
    (kind, path): (&str, &str),
    schema: &Value,
    facts: Facts,
) {
    let mut facts = facts;
    let Some(m) = schema.as_mapping() else {
        out.insert(subject.to_owned(), facts);
        return;
    };
    let open = open_enum(m);
    for (k, v) in m {
        let k = k.as_str().unwrap_or("?");
        let part = match k {
            "properties" | "required" | "items" | "enum" | "allOf" | "anyOf" | "oneOf" => true,
            "additionalProperties" => v.is_mapping(),
            _ => false,
        };
        if part || !is_fact(k) {
            continue;
        }
        let value = if k == "$ref" {
            schema_name(schema)
        } else {
            text(v)
        };
        facts.insert(k.to_owned(), value);
    }
    // Rule 4's open enum reads as the enum it opens.
    let values = match open {
        Some(known) => {
            facts.insert("enum".to_owned(), "open".to_owned());
            for (k, v) in known {
                let k = k.as_str().unwrap_or("?");
                if is_fact(k) && k != "enum" {
                    facts.insert(k.to_owned(), text(v));
                }
            }
            known.get("enum")
        }
        None => {
            if m.contains_key("enum") {
                facts.insert("enum".to_owned(), "closed".to_owned());
            }
            m.get("enum")
        }
    };
    for v in values.and_then(Value::as_sequence).into_iter().flatten() {
        let shown = match v {
            Value::String(s) => format!("{s:?}"),
            other => text(other),
        };
        out.insert(format!("{subject} value {shown}"), Facts::new());
    }
    out.insert(subject.to_owned(), facts);

    let required: Vec<&str> = m
        .get("required")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (name, sub) in m
        .get("properties")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        let name = name.as_str().unwrap_or("?");
        let here = format!("{path}.{name}");
        let mut facts = Facts::new();
        facts.insert("required".to_owned(), required.contains(&name).to_string());
        walk(out, &format!("{kind} {here}"), (kind, &here), sub, facts);
    }
    let mut part = |suffix: String, sub: &Value| {
        let here = format!("{path}{suffix}");
        walk(
            out,
            &format!("{kind} {here}"),
            (kind, &here),
            sub,
            Facts::new(),
        );
    };
    if let Some(items) = m.get("items") {
        part("[]".to_owned(), items);
    }
    if let Some(more) = m.get("additionalProperties").filter(|v| v.is_mapping()) {
        part(".*".to_owned(), more);
    }
    for combinator in ["allOf", "anyOf", "oneOf"] {
        if open.is_some() && combinator == "oneOf" {
            continue;
        }
        let subs = m.get(combinator).and_then(Value::as_sequence);
        for (i, sub) in subs.into_iter().flatten().enumerate() {
            part(format!(" {combinator}[{i}]"), sub);
        }
    }
}

/// The known-values branch of an enum rule 4 opened:
/// `oneOf: [{type: string, enum: E, ...}, {type: string, not: {enum: E}}]`.
fn open_enum(m: &Mapping) -> Option<&Mapping> {
    let branches = m.get("oneOf")?.as_sequence()?;
    let [known, other] = branches.as_slice() else {
        return None;
    };
    let known = known.as_mapping()?;
    let values = known.get("enum")?;
    (other.get("not").and_then(|n| n.get("enum")) == Some(values)).then_some(known)
}
