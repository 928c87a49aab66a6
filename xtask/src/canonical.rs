//! One key order for every mapping of an OpenAPI document, whatever order
//! the source wrote them in.
//!
//! The adaptation reads the official spec through [`canonical`] and writes
//! the fragment through it, so a spec that only reorders keys gives a
//! byte-identical fragment (and so byte-identical generated code): a
//! regeneration shows what changed, not how upstream's serializer ordered
//! things. Sequences (parameter lists, `enum`, `required`, `allOf`) keep
//! their order; it means something.
//!
//! The order reads like a hand-written spec: in an object of the OpenAPI
//! grammar (a document, an operation, a parameter, a schema), the keywords
//! come in the rank of [`KEYWORDS`], then any other key (`x-` extensions)
//! alphabetically. In a map of names (`paths`, `properties`,
//! `components.schemas`, `responses`, `content`, ...) and in data (examples,
//! defaults), keys are plain alphabetical: a property named `type` or
//! `email` is a name there, not a keyword.

use std::cmp::Ordering;

use serde_yaml::{Mapping, Value};

/// The keywords of the OpenAPI grammar, in the order they are written.
pub const KEYWORDS: &[&str] = &[
    "$ref",
    "openapi",
    "info",
    "servers",
    "security",
    "paths",
    "components",
    "operationId",
    "name",
    "in",
    "title",
    "summary",
    "description",
    "tags",
    "version",
    "termsOfService",
    "contact",
    "license",
    "url",
    "required",
    "deprecated",
    "style",
    "explode",
    "type",
    "format",
    "nullable",
    "enum",
    "default",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "items",
    "properties",
    "additionalProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "readOnly",
    "writeOnly",
    "parameters",
    "requestBody",
    "responses",
    "headers",
    "content",
    "schema",
    "schemas",
    "securitySchemes",
    "example",
    "examples",
];

/// Keys whose value, when it is a mapping, maps names (not keywords) to
/// grammar objects.
const NAME_MAPS: &[&str] = &[
    "paths",
    "properties",
    "schemas",
    "responses",
    "parameters",
    "securitySchemes",
    "requestBodies",
    "headers",
    "content",
    "links",
    "callbacks",
    "variables",
    "encoding",
    "scopes",
    "flows",
    "mapping",
];

/// Keys whose value is data (examples, defaults, extension values):
/// alphabetical all the way down.
fn is_data(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum" | "const") || key.starts_with("x-")
}

/// What a mapping is, which decides how its keys are ordered.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An object of the OpenAPI grammar: keywords by rank.
    Grammar,
    /// Names mapped to grammar objects: alphabetical.
    Names,
    /// Data: alphabetical, and so is everything inside.
    Data,
}

/// `doc` with every mapping's keys in the canonical order.
pub fn canonical(doc: &Value) -> Value {
    order(doc, Kind::Grammar)
}

fn order(v: &Value, kind: Kind) -> Value {
    match v {
        Value::Mapping(m) => {
            let mut entries: Vec<(&Value, Value)> = m
                .iter()
                .map(|(k, v)| (k, order(v, child_kind(kind, k))))
                .collect();
            entries.sort_by(|(a, _), (b, _)| compare(kind, a, b));
            Value::Mapping(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), v))
                    .collect::<Mapping>(),
            )
        }
        Value::Sequence(s) => {
            // A list holds grammar objects (parameters, `allOf` branches,
            // servers, tags), or data inside data.
            let kind = if kind == Kind::Data {
                Kind::Data
            } else {
                Kind::Grammar
            };
            Value::Sequence(s.iter().map(|v| order(v, kind)).collect())
        }
        other => other.clone(),
    }
}

/// How the value under `key` in a mapping of `parent` kind is ordered.
fn child_kind(parent: Kind, key: &Value) -> Kind {
    let key = key.as_str().unwrap_or_default();
    match parent {
        Kind::Data => Kind::Data,
        Kind::Names => Kind::Grammar,
        Kind::Grammar if is_data(key) => Kind::Data,
        Kind::Grammar if NAME_MAPS.contains(&key) => Kind::Names,
        Kind::Grammar => Kind::Grammar,
    }
}

/// Keys as text: strings as they are, anything else (a status code YAML
/// read as a number) as YAML writes it.
fn text(k: &Value) -> String {
    match k {
        Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .map(|s| s.trim_end().to_owned())
            .unwrap_or_default(),
    }
}

fn compare(kind: Kind, a: &Value, b: &Value) -> Ordering {
    let (a, b) = (text(a), text(b));
    if kind == Kind::Grammar {
        let rank = |k: &str| {
            KEYWORDS
                .iter()
                .position(|w| *w == k)
                .unwrap_or(KEYWORDS.len())
        };
        rank(&a).cmp(&rank(&b)).then_with(|| a.cmp(&b))
    } else {
        a.cmp(&b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(s: &str) -> Value {
        serde_yaml::from_str(s).expect("yaml")
    }

    #[test]
    fn keywords_by_rank_names_and_data_alphabetically() {
        let doc = yaml(
            "{paths: {/b: {}, /a: {}}, openapi: 3.0.3, components: {schemas: {U: {properties: \
             {type: {type: string}, email: {description: d, type: string}}, x-z: 1, type: object, \
             example: {type: 1, email: 2}}}}}",
        );
        let out = serde_yaml::to_string(&canonical(&doc)).expect("yaml");
        assert_eq!(
            out,
            "openapi: 3.0.3\npaths:\n  /a: {}\n  /b: {}\ncomponents:\n  schemas:\n    U:\n      \
             type: object\n      properties:\n        email:\n          description: d\n          \
             type: string\n        type:\n          type: string\n      example:\n        email: 2\n        \
             type: 1\n      x-z: 1\n"
        );
    }
}
