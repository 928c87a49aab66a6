//! What changed between two fragments, in words a reviewer reads before the diff.

use std::collections::BTreeSet;

use serde_yaml::Value;

/// Lines such as `+ parameter ListManagedAccounts filter[foo]`; empty when
/// nothing the SDK's users see changed.
pub fn summarize(old: Option<&Value>, new: &Value) -> Vec<String> {
    let before = old.map(facts).unwrap_or_default();
    let after = facts(new);
    let mut lines: Vec<String> = Vec::new();
    for f in before.difference(&after) {
        lines.push(format!("- {f}"));
    }
    for f in after.difference(&before) {
        lines.push(format!("+ {f}"));
    }
    lines
}

/// Every operation, parameter, schema field and enum value, as one string each.
fn facts(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_mapping) {
        for (path, item) in paths {
            for (method, op) in item.as_mapping().into_iter().flatten() {
                let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
                out.insert(format!(
                    "operation {id} ({} {})",
                    method.as_str().unwrap_or("?").to_uppercase(),
                    path.as_str().unwrap_or("?")
                ));
                for p in op
                    .get("parameters")
                    .and_then(Value::as_sequence)
                    .into_iter()
                    .flatten()
                {
                    let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
                    out.insert(format!("parameter {id} {name}"));
                    if let Some(schema) = p.get("schema") {
                        enum_facts(&format!("parameter {id} {name}"), schema, &mut out);
                    }
                }
            }
        }
    }
    if let Some(schemas) = doc
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping)
    {
        for (name, schema) in schemas {
            let name = name.as_str().unwrap_or("?");
            out.insert(format!("schema {name}"));
            field_facts(name, schema, &mut out);
        }
    }
    out
}

fn field_facts(prefix: &str, schema: &Value, out: &mut BTreeSet<String>) {
    enum_facts(&format!("field {prefix}"), schema, out);
    if let Some(props) = schema.get("properties").and_then(Value::as_mapping) {
        for (field, sub) in props {
            let path = format!("{prefix}.{}", field.as_str().unwrap_or("?"));
            out.insert(format!("field {path}"));
            field_facts(&path, sub, out);
        }
    }
    if let Some(items) = schema.get("items") {
        field_facts(&format!("{prefix}[]"), items, out);
    }
}

fn enum_facts(prefix: &str, schema: &Value, out: &mut BTreeSet<String>) {
    let mut add = |values: &Value| {
        for v in values.as_sequence().into_iter().flatten() {
            if let Some(v) = v.as_str() {
                out.insert(format!("{prefix} value {v:?}"));
            }
        }
    };
    if let Some(values) = schema.get("enum") {
        add(values);
    }
    // Open enums (rule 4) keep their values in the first `oneOf` branch.
    for combinator in ["oneOf", "anyOf"] {
        let subs = schema.get(combinator).and_then(Value::as_sequence);
        for sub in subs.into_iter().flatten() {
            if let Some(values) = sub.get("enum") {
                add(values);
            }
        }
    }
}
