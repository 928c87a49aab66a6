//! The vendored copy of Telnyx's official spec: cutting a whole spec down to
//! the twelve operations, writing it, and fingerprinting it.
//!
//! The copy lives at [`UPSTREAM`]. It is the repository's one source of
//! truth for the wire format: the fragment is derived from it, and the test
//! suites validate requests and responses against it. `regen --from SPEC`
//! rewrites it from a newer spec; `regen --check` fails when it, or the
//! fragment, was edited by hand (the fragment records the copy's SHA-256).

use serde_yaml::{Mapping, Value};
use sha2::{Digest, Sha256};

use crate::adapt::OPERATIONS;

/// The vendored official spec, relative to the workspace root.
pub const UPSTREAM: &str = "openapi/upstream/telnyx-accounts.official.openapi.json";

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The hex SHA-256 of the vendored file's bytes.
pub fn fingerprint(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The official spec cut to the twelve operations: their paths (with only
/// those methods), every component they reference (transitively), the
/// security schemes the document's `security` names, and the tags the
/// operations use. Everything else in the document (`openapi`, `info`,
/// `servers`, `security`) is kept as is, in its original order.
pub fn cut(official: &Value) -> Result<Value, String> {
    let root = official
        .as_mapping()
        .ok_or("the spec is not a YAML/JSON object")?;
    let paths = root
        .get("paths")
        .and_then(Value::as_mapping)
        .ok_or("the spec has no `paths` object")?;

    let mut kept_paths = Mapping::new();
    let mut tags_used: Vec<String> = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_mapping() else {
            continue;
        };
        let mut kept = Mapping::new();
        for (k, v) in item {
            let is_ours = k.as_str().is_some_and(|m| METHODS.contains(&m))
                && v.get("operationId")
                    .and_then(Value::as_str)
                    .is_some_and(|id| OPERATIONS.contains(&id));
            if is_ours {
                for tag in v
                    .get("tags")
                    .and_then(Value::as_sequence)
                    .into_iter()
                    .flatten()
                {
                    if let Some(t) = tag.as_str().filter(|t| !tags_used.iter().any(|u| u == t)) {
                        tags_used.push(t.to_owned());
                    }
                }
                kept.insert(k.clone(), v.clone());
            }
        }
        if kept.is_empty() {
            continue;
        }
        // Path-level entries (`parameters`, `summary`, ...) belong to every
        // method of the path, ours included.
        for (k, v) in item {
            if !k.as_str().is_some_and(|m| METHODS.contains(&m)) {
                kept.insert(k.clone(), v.clone());
            }
        }
        let ordered = item
            .keys()
            .filter_map(|k| kept.get(k).map(|v| (k.clone(), v.clone())))
            .collect();
        kept_paths.insert(path.clone(), Value::Mapping(ordered));
    }

    // Components: what the kept paths reference, transitively, plus the
    // security schemes the document requires.
    let empty = Mapping::new();
    let components = root
        .get("components")
        .and_then(Value::as_mapping)
        .unwrap_or(&empty);
    let mut wanted: Vec<(String, String)> = Vec::new();
    let mut todo: Vec<String> = Vec::new();
    collect_refs(&Value::Mapping(kept_paths.clone()), &mut todo);
    for requirement in root
        .get("security")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
    {
        for name in requirement.as_mapping().into_iter().flat_map(Mapping::keys) {
            if let Some(n) = name.as_str() {
                todo.push(format!("#/components/securitySchemes/{n}"));
            }
        }
    }
    while let Some(reference) = todo.pop() {
        let Some(rest) = reference.strip_prefix("#/components/") else {
            return Err(format!(
                "`$ref: {reference}` points outside the document's components"
            ));
        };
        let Some((kind, name)) = rest.split_once('/') else {
            return Err(format!("`$ref: {reference}` is not a component reference"));
        };
        let entry = (kind.to_owned(), name.to_owned());
        if wanted.contains(&entry) {
            continue;
        }
        let target = components
            .get(kind)
            .and_then(|k| k.get(name))
            .ok_or_else(|| format!("`$ref: {reference}` is not defined in the spec"))?;
        collect_refs(target, &mut todo);
        wanted.push(entry);
    }
    let mut kept_components = Mapping::new();
    for (kind, entries) in components {
        let Some(entries) = entries.as_mapping() else {
            continue;
        };
        let kind_name = kind.as_str().unwrap_or_default();
        let kept: Mapping = entries
            .iter()
            .filter(|(name, _)| {
                let name = name.as_str().unwrap_or_default();
                wanted.iter().any(|(k, n)| k == kind_name && n == name)
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !kept.is_empty() {
            kept_components.insert(kind.clone(), Value::Mapping(kept));
        }
    }

    let mut out = Mapping::new();
    for (k, v) in root {
        match k.as_str() {
            Some("paths") => {
                out.insert(k.clone(), Value::Mapping(kept_paths.clone()));
            }
            Some("components") => {
                out.insert(k.clone(), Value::Mapping(kept_components.clone()));
            }
            Some("tags") => {
                let tags: Vec<Value> = v
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .filter(|t| {
                        t.get("name")
                            .and_then(Value::as_str)
                            .is_some_and(|n| tags_used.iter().any(|u| u == n))
                    })
                    .cloned()
                    .collect();
                out.insert(k.clone(), Value::Sequence(tags));
            }
            // Webhooks and the like describe other operations.
            Some("webhooks") | Some("x-webhooks") => {}
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(Value::Mapping(out))
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Mapping(m) => {
            for (k, x) in m {
                match (k.as_str(), x.as_str()) {
                    (Some("$ref"), Some(r)) => out.push(r.to_owned()),
                    _ => collect_refs(x, out),
                }
            }
        }
        Value::Sequence(s) => s.iter().for_each(|x| collect_refs(x, out)),
        Value::Tagged(t) => collect_refs(&t.value, out),
        _ => {}
    }
}

/// The vendored file's text: JSON with two-space indents, keys in the
/// spec's own order, no trailing newline.
pub fn render(cut: &Value) -> Result<String, String> {
    serde_json::to_string_pretty(cut).map_err(|e| format!("cannot write the spec as JSON: {e}"))
}
