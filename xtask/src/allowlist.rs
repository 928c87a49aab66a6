//! The keywords the adaptation understands, object by object.
//!
//! A keyword not listed here is refused, naming where it is, instead of being
//! dropped or handed to progenitor unread: a 2020-12 keyword such as
//! `patternProperties` or `dependentRequired` would otherwise vanish from the
//! fragment, and the generated client would disagree with the wire without a
//! word. `x-` extensions pass: nothing reads them. Adding a keyword here means
//! teaching `adapt.rs` what it means first.

use serde_yaml::Value;

/// A path item of one of the twelve operations (besides its methods).
pub const PATH_ITEM: &[&str] = &["summary", "description"];

/// An operation.
pub const OPERATION: &[&str] = &[
    "operationId",
    "summary",
    "description",
    "tags",
    "parameters",
    "requestBody",
    "responses",
    "deprecated",
    "security",
    "servers",
    "externalDocs",
];

/// A parameter (after resolving its `$ref`).
pub const PARAMETER: &[&str] = &[
    "name",
    "in",
    "description",
    "required",
    "deprecated",
    "schema",
    "style",
    "explode",
    "example",
    "examples",
];

/// Where a parameter may be: progenitor generates these.
pub const PARAMETER_IN: &[&str] = &["query", "path", "header"];

/// A request body.
pub const REQUEST_BODY: &[&str] = &["description", "content", "required"];

/// A 2xx response (error responses are left out whole, rule 7).
pub const RESPONSE: &[&str] = &["description", "content", "headers"];

/// A media type of a request body or response.
pub const MEDIA_TYPE: &[&str] = &["schema", "example", "examples"];

/// A schema. Validation keywords pass to typify as they are; `exclusive*`
/// become their 3.0 spelling.
pub const SCHEMA: &[&str] = &[
    "type",
    "nullable",
    "format",
    "enum",
    "default",
    "title",
    "description",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "properties",
    "required",
    "items",
    "additionalProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// Beside a `$ref` (3.0 ignores anything else there).
pub const REF_SIBLINGS: &[&str] = &["$ref", "description", "summary"];

/// A member of a deepObject parameter that is itself an object: it is
/// flattened into its leaves (rule 2), so `required` and the like have
/// nowhere to go. `additionalProperties` is moot: only listed members can
/// be sent.
pub const DEEP_OBJECT: &[&str] = &[
    "type",
    "properties",
    "additionalProperties",
    "title",
    "description",
    "example",
    "examples",
];

/// The first key of `object` that is neither in `allowed` nor an `x-`
/// extension, if any (the caller says where, and refuses it).
pub fn unknown_key(object: &Value, allowed: &[&str]) -> Option<String> {
    let map = object.as_mapping()?;
    map.keys()
        .map(|k| k.as_str().unwrap_or("<non-string key>"))
        .find(|k| !k.starts_with("x-") && !allowed.contains(k))
        .map(str::to_owned)
}
