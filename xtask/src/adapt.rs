//! Adapting Telnyx's official OpenAPI 3.1 spec into the 3.0.3 fragment that
//! progenitor 0.15.1 accepts.
//!
//! The fragment is this module's output and nothing else: every difference
//! between it and the official spec is one of the rules below, and
//! [`FRAGMENT_HEADER`] (written at the top of the fragment) says so in prose.
//! Anything the rules do not know how to adapt, including any keyword not on
//! the [`allowlist`], is refused with an [`AdaptError`]
//! that names the operation or schema and the construct, rather than written
//! half-adapted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_yaml::{Mapping, Value};

use crate::allowlist;
use crate::canonical::canonical;

/// The twelve operations this SDK covers, by official `operationId`.
///
/// This is the one place that decides what the fragment contains.
pub const OPERATIONS: &[&str] = &[
    "ListManagedAccounts",
    "CreateManagedAccount",
    "ListAllocatableGlobalOutboundChannels",
    "RetrieveManagedAccount",
    "UpdateManagedAccount",
    "DisableManagedAccount",
    "EnableManagedAccount",
    "UpdateManagedAccountGlobalChannelLimit",
    "ListOrganizationUsers",
    "GetOrganizationUsersGroupsReport",
    "GetOrganizationUser",
    "DeleteOrganizationUser",
];

/// The comment block written at the top of the fragment, after the line
/// naming its source (see [`render`]).
pub const FRAGMENT_HEADER: &str = "\
#
# The twelve account-management operations of Telnyx's official OpenAPI 3.1
# spec (team-telnyx/openapi, openapi/spec3.yml), adapted to OpenAPI 3.0.3 so
# that progenitor 0.15.1 can generate `telnyx-accounts-gen` from it. Paths,
# methods, operationIds, parameters and fields are the official ones; the
# adaptation only changes how they are written down:
#
#  1. `openapi: 3.0.3`; `type: [X, \"null\"]` becomes `type: X` + `nullable: true`.
#  2. deepObject query parameters (`filter`, `page`) are flattened into one
#     parameter per leaf under its wire name (`filter[email][contains]`,
#     `page[number]`): progenitor rejects deepObject. Parameter `$ref`s are inlined.
#  3. `sort` gains the descending `-` forms (`-created_at`, `-email`) that the
#     official description documents but its enum omits.
#  4. Enums in request and response bodies (components, envelopes, inline
#     bodies; with or without `type: string`) become open:
#     `oneOf: [{enum: E}, {type: string, not: {enum: E}}]` (a known value, or
#     any other string), so a value Telnyx adds later does not fail the whole
#     response. Query-parameter enums stay closed.
#  5. String properties named `*_at` get `format: date-time` (so the generated
#     types hold `chrono::DateTime<Utc>`; a value that is not RFC 3339 fails
#     to decode there, not in the hand-written crate).
#  6. Inline request bodies and response envelopes (`{data}`, `{data, meta}`)
#     become named components (`<Data>Response`, `<Item>Page`, `<Item>List`,
#     `<OperationId>Request`).
#  7. Error responses (4xx/5xx) are left out of operations: the official spec
#     mixes bodiless and JSON errors of two schemas, which progenitor cannot
#     generate; the hand-written crate parses `{\"errors\": [...]}` itself. The
#     error schemas stay in `components` for reference.
#  8. An operation offering `text/csv` beside JSON (the groups report) keeps
#     only JSON and drops its `Accept` header parameter: progenitor forces
#     `Accept: application/json`; the crate sends the CSV request by hand.
#  9. In request bodies (inline or `$ref`'d, and every schema they reference)
#     `default` becomes `x-default`, so the body carries only the fields the
#     caller set, as the official SDKs send it; the server applies the default.
# 10. `additionalProperties: false` is dropped: it would make typify reject
#     any field Telnyx adds later. 3.1's numeric `exclusiveMinimum: N` becomes
#     `minimum: N` + `exclusiveMinimum: true` (likewise for maximum).
# 11. A schema's prose `title` goes in front of its `description` (the
#     generated types' docs are made of `description` alone); a hoisted
#     envelope or body (rule 6) without a description of its own takes the
#     response's or request body's.
#
# Keys are written in one canonical order (OpenAPI keywords in a fixed
# order, names and data alphabetically), whatever the source's order.
# Refused rather than adapted: a required deepObject parameter, a `style` or
# `explode` other than the defaults (deepObject: `explode: true`), and two
# different schemas hoisted under one name.
#
# Any keyword the adaptation does not understand is refused, not dropped.
";

/// Why the official spec could not be adapted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdaptError {
    /// The operation (or component) where the problem is, when there is one.
    pub location: String,
    /// What was found and why it cannot be adapted.
    pub reason: String,
}

impl fmt::Display for AdaptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.reason)
    }
}

impl std::error::Error for AdaptError {}

fn err(location: impl Into<String>, reason: impl Into<String>) -> AdaptError {
    AdaptError {
        location: location.into(),
        reason: reason.into(),
    }
}

/// Refuses the first key of `object` (a `what`, at `loc`) that is neither in
/// `allowed` nor an `x-` extension.
fn allowed(loc: &str, what: &str, object: &Value, list: &[&str]) -> Result<(), AdaptError> {
    match allowlist::unknown_key(object, list) {
        None => Ok(()),
        Some(k) => Err(err(
            loc,
            format!(
                "{what} uses `{k}`, which the adaptation does not understand (it would be \
                 lost or misread in the fragment); teach xtask/src/adapt.rs what it means, \
                 then add it to xtask/src/allowlist.rs"
            ),
        )),
    }
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn key(s: &str) -> Value {
    Value::String(s.to_owned())
}

fn get<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
    v.as_mapping().and_then(|m| m.get(k))
}

fn get_str<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    get(v, k).and_then(Value::as_str)
}

/// Adapts the official spec (whole or a subset) into the fragment document.
///
/// The source's key order does not matter: the spec is read, and the
/// fragment written, in [`canonical`](crate::canonical) order.
pub fn adapt(official: &Value) -> Result<Value, AdaptError> {
    let official = &canonical(official);
    let version = get_str(official, "openapi").unwrap_or("");
    if !(version.starts_with("3.1") || version.starts_with("3.0")) {
        return Err(err(
            "document",
            format!("`openapi: {version}` is not OpenAPI 3.0 or 3.1"),
        ));
    }
    let components = get(official, "components").cloned().unwrap_or(Value::Null);
    let mut ctx = Context {
        components: &components,
        new_schemas: BTreeMap::new(),
        referenced: BTreeSet::new(),
        request_roots: BTreeSet::new(),
    };

    let paths = get(official, "paths")
        .and_then(Value::as_mapping)
        .ok_or_else(|| err("document", "has no `paths` object"))?;

    let mut found: BTreeSet<&str> = BTreeSet::new();
    let mut out_paths = Mapping::new();
    for (path, item) in paths {
        let path_str = path.as_str().unwrap_or_default();
        let Some(item_map) = item.as_mapping() else {
            continue;
        };
        let mut out_item = Mapping::new();
        let mut wanted_here = false;
        for method in METHODS {
            let Some(op) = item_map.get(*method) else {
                continue;
            };
            let op_id = get_str(op, "operationId");
            if let Some(id) = op_id.filter(|id| OPERATIONS.contains(id)) {
                found.insert(OPERATIONS.iter().copied().find(|o| o == &id).unwrap_or(id));
                wanted_here = true;
                let adapted = ctx.operation(id, op)?;
                out_item.insert(key(method), adapted);
            }
        }
        if wanted_here {
            if let Some(Value::String(r)) = item_map.get("$ref") {
                return Err(err(
                    path_str,
                    format!("is a `$ref` to {r}; path item references are not supported"),
                ));
            }
            if item_map.contains_key("parameters") {
                return Err(err(
                    path_str,
                    "path-level `parameters` are not supported; move them into the operations",
                ));
            }
            let others: Mapping = item_map
                .iter()
                .filter(|(k, _)| !k.as_str().is_some_and(|m| METHODS.contains(&m)))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            allowed(
                path_str,
                "the path item",
                &Value::Mapping(others),
                allowlist::PATH_ITEM,
            )?;
            for method in METHODS {
                if let Some(op) = item_map.get(*method)
                    && get_str(op, "operationId").is_none()
                {
                    return Err(err(
                        format!("{} {path_str}", method.to_uppercase()),
                        "has no operationId, so it cannot be matched to the SDK's operations",
                    ));
                }
            }
            out_paths.insert(path.clone(), Value::Mapping(out_item));
        }
    }
    let missing: Vec<&str> = OPERATIONS
        .iter()
        .copied()
        .filter(|o| !found.contains(o))
        .collect();
    if !missing.is_empty() {
        return Err(err(
            format!("operation {}", missing.join(", ")),
            "is not in the official spec (removed or renamed?); update OPERATIONS in xtask/src/adapt.rs and the hand-written crate together",
        ));
    }

    // Every component schema the kept operations reference, transitively,
    // converted; plus the envelopes hoisted out of the operations.
    let mut schemas: BTreeMap<String, Value> = BTreeMap::new();
    let mut todo: Vec<String> = ctx.referenced.iter().cloned().collect();
    // Each name is queued once: when it first enters `referenced`. A name
    // also hoisted as an envelope is converted too, so that the check below
    // refuses the collision instead of one silently replacing the other.
    while let Some(name) = todo.pop() {
        let raw = get(&components, "schemas")
            .and_then(|s| get(s, &name))
            .ok_or_else(|| {
                err(
                    format!("schema {name}"),
                    "is referenced but not defined in components.schemas",
                )
            })?;
        let before: BTreeSet<String> = ctx.referenced.clone();
        let mut converted = ctx.schema(&format!("schema {name}"), raw, true, "")?;
        todo.extend(ctx.referenced.difference(&before).cloned());
        document(&mut converted, false, None);
        schemas.insert(name, converted);
    }
    for (name, schema) in std::mem::take(&mut ctx.new_schemas) {
        if schemas.insert(name.clone(), schema).is_some() {
            return Err(err(
                format!("schema {name}"),
                "a hoisted envelope collides with an official schema name",
            ));
        }
    }
    // Rule 9, on every schema a request body reaches.
    for name in reachable(&schemas, &ctx.request_roots) {
        if let Some(schema) = schemas.get_mut(&name) {
            defaults_to_extension(schema);
        }
    }

    let mut doc = Mapping::new();
    doc.insert(key("openapi"), key("3.0.3"));
    for k in ["info", "servers", "security", "tags"] {
        if let Some(v) = get(official, k) {
            doc.insert(key(k), v.clone());
        }
    }
    doc.insert(key("paths"), Value::Mapping(out_paths));
    let mut out_components = Mapping::new();
    out_components.insert(
        key("schemas"),
        Value::Mapping(schemas.into_iter().map(|(k, v)| (key(&k), v)).collect()),
    );
    if let Some(sec) = get(&components, "securitySchemes") {
        out_components.insert(key("securitySchemes"), sec.clone());
    }
    doc.insert(key("components"), Value::Mapping(out_components));
    Ok(canonical(&Value::Mapping(doc)))
}

struct Context<'a> {
    /// The official `components`.
    components: &'a Value,
    /// Envelopes and bodies hoisted out of operations, by their new name.
    new_schemas: BTreeMap<String, Value>,
    /// Official component schemas referenced so far.
    referenced: BTreeSet<String>,
    /// Schemas request bodies reference directly (rule 9 starts from these).
    request_roots: BTreeSet<String>,
}

impl<'a> Context<'a> {
    fn operation(&mut self, op_id: &str, op: &Value) -> Result<Value, AdaptError> {
        let loc = format!("operation {op_id}");
        let op_map = op
            .as_mapping()
            .ok_or_else(|| err(&loc, "is not an object"))?;
        allowed(&loc, "the operation", op, allowlist::OPERATION)?;
        let offers_csv = self.offers_csv(op);

        // Error responses are left out (rule 7), but the schemas they name
        // stay in the fragment for reference.
        if let Some(responses) = get(op, "responses").and_then(Value::as_mapping) {
            for (_, r) in responses {
                self.note_error_schemas(r);
            }
        }

        let mut out = Mapping::new();
        for (k, v) in op_map {
            match k.as_str().unwrap_or_default() {
                "parameters" => {
                    let params = self.parameters(&loc, v, offers_csv)?;
                    out.insert(k.clone(), Value::Sequence(params));
                }
                "requestBody" => {
                    out.insert(k.clone(), self.request_body(&loc, op_id, v)?);
                }
                "responses" => {
                    out.insert(k.clone(), self.responses(&loc, v)?);
                }
                _ => {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
        Ok(Value::Mapping(out))
    }

    fn offers_csv(&self, op: &Value) -> bool {
        get(op, "responses")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
            .filter(|(code, _)| is_success(code))
            .any(|(_, r)| {
                let r = resolve(self.components, r, "responses").unwrap_or(r);
                get(r, "content").and_then(|c| get(c, "text/csv")).is_some()
            })
    }

    fn note_error_schemas(&mut self, response: &Value) {
        let response = resolve(self.components, response, "responses").unwrap_or(response);
        let mut refs = BTreeSet::new();
        collect_refs(response, &mut refs);
        self.referenced.extend(refs);
    }

    fn parameters(
        &mut self,
        loc: &str,
        params: &Value,
        offers_csv: bool,
    ) -> Result<Vec<Value>, AdaptError> {
        let mut out = Vec::new();
        for p in params.as_sequence().into_iter().flatten() {
            let p = if get(p, "$ref").is_some() {
                resolve(self.components, p, "parameters").ok_or_else(|| {
                    err(
                        loc,
                        format!(
                            "parameter {} does not resolve",
                            get_str(p, "$ref").unwrap_or("?")
                        ),
                    )
                })?
            } else {
                p
            };
            let name = get_str(p, "name").unwrap_or_default();
            let location = get_str(p, "in").unwrap_or_default();
            let what = format!("parameter `{name}`");
            allowed(loc, &what, p, allowlist::PARAMETER)?;
            if !allowlist::PARAMETER_IN.contains(&location) {
                return Err(err(
                    loc,
                    format!("{what} is `in: {location}`; only query, path and header parameters are supported"),
                ));
            }
            if offers_csv && location == "header" && name.eq_ignore_ascii_case("accept") {
                continue; // rule 8
            }
            check_style(loc, name, location, p)?;
            match get_str(p, "style") {
                Some("deepObject") => {
                    if get(p, "required").and_then(Value::as_bool) == Some(true) {
                        // Its members become separate optional parameters;
                        // "send at least one of them" has no flat spelling.
                        return Err(err(
                            loc,
                            format!(
                                "deepObject parameter `{name}` is `required: true`; flattened \
                                 into one parameter per member (rule 2) it cannot say that \
                                 some member must be sent. Teach rule 2 which members are \
                                 required, or make it optional"
                            ),
                        ));
                    }
                    let schema = get(p, "schema").ok_or_else(|| {
                        err(loc, format!("deepObject parameter `{name}` has no schema"))
                    })?;
                    self.flatten_deep_object(loc, name, schema, p, &mut out)?;
                }
                Some("form") | Some("simple") | None => {
                    let mut m = p.as_mapping().cloned().unwrap_or_default();
                    if let Some(schema) = get(p, "schema") {
                        let mut s =
                            self.schema(&format!("{loc} parameter `{name}`"), schema, false, name)?;
                        if name == "sort" {
                            add_descending_sort(&mut s, loc)?;
                        }
                        m.insert(key("schema"), s);
                    }
                    out.push(Value::Mapping(m));
                }
                Some(other) => {
                    return Err(err(loc, format!("parameter `{name}` has style `{other}`, which the adaptation does not know")));
                }
            }
        }
        Ok(out)
    }

    /// Rule 2: one parameter per leaf of a deepObject, named as on the wire.
    fn flatten_deep_object(
        &mut self,
        loc: &str,
        wire_name: &str,
        schema: &Value,
        param: &Value,
        out: &mut Vec<Value>,
    ) -> Result<(), AdaptError> {
        let schema = if get(schema, "$ref").is_some() {
            resolve(self.components, schema, "schemas").ok_or_else(|| {
                err(
                    loc,
                    format!("deepObject `{wire_name}` schema does not resolve"),
                )
            })?
        } else {
            schema
        };
        match get_str(schema, "type") {
            Some("object") => {
                allowed(
                    loc,
                    &format!("deepObject member `{wire_name}`"),
                    schema,
                    allowlist::DEEP_OBJECT,
                )?;
                let props = get(schema, "properties").and_then(Value::as_mapping).ok_or_else(|| {
                    err(loc, format!("deepObject parameter `{wire_name}` is an object without `properties`"))
                })?;
                for (prop, sub) in props {
                    let prop = prop.as_str().unwrap_or_default();
                    self.flatten_deep_object(loc, &format!("{wire_name}[{prop}]"), sub, param, out)?;
                }
                Ok(())
            }
            Some("string") | Some("integer") | Some("number") | Some("boolean") => {
                let mut m = Mapping::new();
                m.insert(key("name"), key(wire_name));
                m.insert(key("in"), key("query"));
                let description = get(schema, "description").or_else(|| {
                    // A leaf without its own words borrows the parameter's.
                    get(param, "description")
                });
                if let Some(d) = description {
                    m.insert(key("description"), d.clone());
                }
                m.insert(key("required"), Value::Bool(false));
                let mut leaf = self.schema(&format!("{loc} parameter `{wire_name}`"), schema, false, wire_name)?;
                if let Some(lm) = leaf.as_mapping_mut() {
                    lm.remove("description");
                }
                m.insert(key("schema"), leaf);
                out.push(Value::Mapping(m));
                Ok(())
            }
            other => Err(err(
                loc,
                format!(
                    "deepObject parameter `{wire_name}` has a leaf of type {:?}; only objects of scalars can be flattened",
                    other.unwrap_or("<none>")
                ),
            )),
        }
    }

    fn request_body(&mut self, loc: &str, op_id: &str, body: &Value) -> Result<Value, AdaptError> {
        allowed(loc, "the request body", body, allowlist::REQUEST_BODY)?;
        let context = get(body, "description").cloned();
        let mut body = body.as_mapping().cloned().unwrap_or_default();
        if let Some(content) = body.get_mut("content").and_then(Value::as_mapping_mut) {
            for (mime, media) in content.iter_mut() {
                let mime = mime.as_str().unwrap_or_default().to_owned();
                let here = format!("{loc} request body ({mime})");
                allowed(&here, "the media type", media, allowlist::MEDIA_TYPE)?;
                let Some(schema) = get(media, "schema") else {
                    continue;
                };
                let converted = self.schema(&here, schema, true, "")?;
                let new = if get(&converted, "$ref").is_some() {
                    converted
                } else {
                    self.hoist(
                        &here,
                        format!("{op_id}Request"),
                        converted,
                        context.as_ref(),
                    )?
                };
                collect_refs(&new, &mut self.request_roots);
                if let Some(m) = media.as_mapping_mut() {
                    m.insert(key("schema"), new);
                }
            }
        }
        Ok(Value::Mapping(body))
    }

    fn responses(&mut self, loc: &str, responses: &Value) -> Result<Value, AdaptError> {
        let mut out = Mapping::new();
        for (code, r) in responses.as_mapping().into_iter().flatten() {
            if !is_success(code) {
                continue; // rule 7
            }
            let r = match resolve(self.components, r, "responses") {
                Some(resolved) => resolved,
                None => r,
            };
            allowed(
                loc,
                &format!("response {}", status_text(code)),
                r,
                allowlist::RESPONSE,
            )?;
            let description = get(r, "description").cloned();
            let mut r = r.as_mapping().cloned().unwrap_or_default();
            if let Some(content) = r.get_mut("content").and_then(Value::as_mapping_mut) {
                if content.contains_key("application/json") {
                    content.retain(|mime, _| mime.as_str() == Some("application/json"));
                    // rule 8
                }
                for (mime, media) in content.iter_mut() {
                    let mime = mime.as_str().unwrap_or_default().to_owned();
                    let here = format!("{loc} response ({mime})");
                    allowed(&here, "the media type", media, allowlist::MEDIA_TYPE)?;
                    let Some(schema) = get(media, "schema") else {
                        continue;
                    };
                    let converted = self.schema(&here, schema, true, "")?;
                    let new = if get(&converted, "$ref").is_some() {
                        converted
                    } else {
                        let name = envelope_name(&converted)
                            .ok_or_else(|| err(loc, "has an inline response schema that is not a `{data}` envelope; give it a name rule in xtask"))?;
                        self.hoist(&here, name, converted, description.as_ref())?
                    };
                    if let Some(m) = media.as_mapping_mut() {
                        m.insert(key("schema"), new);
                    }
                }
            }
            out.insert(code.clone(), Value::Mapping(r));
        }
        if out.is_empty() {
            return Err(err(loc, "has no 2xx response"));
        }
        Ok(Value::Mapping(out))
    }

    /// Stores an inline schema as a component and returns a `$ref` to it.
    /// Identical envelopes of different operations share one component (the
    /// first one's words document it); two different schemas under one name
    /// are refused, as one would silently stand for the other.
    ///
    /// `context` is what the spec says around the schema (the response's or
    /// the request body's `description`): the type's doc when the schema
    /// has no words of its own (rule 11).
    fn hoist(
        &mut self,
        loc: &str,
        name: String,
        mut schema: Value,
        context: Option<&Value>,
    ) -> Result<Value, AdaptError> {
        document(&mut schema, true, context);
        match self.new_schemas.get(&name) {
            Some(first) if without_docs(first) != without_docs(&schema) => {
                return Err(err(
                    format!("schema {name}"),
                    format!(
                        "{loc} hoists a different schema under a name another operation \
                         already gave its own; give one of them a name rule in xtask"
                    ),
                ));
            }
            Some(_) => {}
            None => {
                self.new_schemas.insert(name.clone(), schema);
            }
        }
        let mut r = Mapping::new();
        r.insert(key("$ref"), key(&format!("#/components/schemas/{name}")));
        Ok(Value::Mapping(r))
    }

    /// Converts one schema (recursively) to 3.0.3 with rules 1, 4, 5 and 10.
    /// `loc` names the schema (`schema U.field[]`); `open_enums` is true in
    /// request and response bodies, false in parameters; `prop_name` is the
    /// property or parameter name the schema describes.
    fn schema(
        &mut self,
        loc: &str,
        s: &Value,
        open_enums: bool,
        prop_name: &str,
    ) -> Result<Value, AdaptError> {
        let Some(map) = s.as_mapping() else {
            return Ok(s.clone());
        };
        if let Some(r) = get_str(s, "$ref") {
            allowed(loc, "a `$ref`", s, allowlist::REF_SIBLINGS)?;
            let name = r.strip_prefix("#/components/schemas/").ok_or_else(|| {
                err(loc, format!("`$ref: {r}` points outside components.schemas (external refs are not supported)"))
            })?;
            self.referenced.insert(name.to_owned());
            return Ok(s.clone());
        }
        allowed(loc, "the schema", s, allowlist::SCHEMA)?;
        let mut out = Mapping::new();
        for (k, v) in map {
            let k_str = k.as_str().unwrap_or_default();
            match k_str {
                "type" => match v {
                    Value::Sequence(types) => {
                        let non_null: Vec<&Value> = types
                            .iter()
                            .filter(|t| t.as_str() != Some("null"))
                            .collect();
                        if non_null.len() != 1 {
                            return Err(err(loc, format!("has `type: {:?}`; only [X, \"null\"] can become 3.0 `nullable`", types.iter().filter_map(Value::as_str).collect::<Vec<_>>())));
                        }
                        out.insert(k.clone(), non_null[0].clone());
                        if non_null.len() < types.len() {
                            out.insert(key("nullable"), Value::Bool(true));
                        }
                    }
                    _ => {
                        out.insert(k.clone(), v.clone());
                    }
                },
                "properties" => {
                    let mut props = Mapping::new();
                    for (pn, ps) in v.as_mapping().into_iter().flatten() {
                        let pn_str = pn.as_str().unwrap_or_default();
                        let here = format!("{loc}.{pn_str}");
                        props.insert(pn.clone(), self.schema(&here, ps, open_enums, pn_str)?);
                    }
                    out.insert(k.clone(), Value::Mapping(props));
                }
                // (A schema that is not a mapping comes back as it is.)
                "items" => {
                    let here = format!("{loc}[]");
                    out.insert(k.clone(), self.schema(&here, v, open_enums, "")?);
                }
                "additionalProperties" if v.is_mapping() => {
                    let here = format!("{loc}.*");
                    out.insert(k.clone(), self.schema(&here, v, open_enums, "")?);
                }
                // Rule 10: typify turns `false` into `deny_unknown_fields`,
                // and a field Telnyx adds would fail the whole response.
                "additionalProperties" if v.as_bool() == Some(false) => {}
                "allOf" | "anyOf" | "oneOf" => {
                    let mut seq = Vec::new();
                    for sub in v.as_sequence().into_iter().flatten() {
                        seq.push(self.schema(loc, sub, open_enums, prop_name)?);
                    }
                    out.insert(k.clone(), Value::Sequence(seq));
                }
                "examples" => {
                    // 3.1 schema `examples` (a list) becomes 3.0 `example`.
                    if let Some(first) = v.as_sequence().and_then(|s| s.first()) {
                        out.entry(key("example")).or_insert_with(|| first.clone());
                    }
                }
                // 3.1 writes an exclusive bound as the number, 3.0 as the
                // bound plus `true`.
                "exclusiveMinimum" | "exclusiveMaximum" if v.is_number() => {
                    let bound = if k_str == "exclusiveMinimum" {
                        "minimum"
                    } else {
                        "maximum"
                    };
                    if map.contains_key(bound) {
                        return Err(err(loc, format!("has both `{bound}` and a numeric `{k_str}`; 3.0 has room for one bound")));
                    }
                    out.insert(key(bound), v.clone());
                    out.insert(k.clone(), Value::Bool(true));
                }
                _ => {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
        // Rule 5: timestamps. The spec writes them as plain strings (its
        // descriptions say "ISO 8601"; Telnyx sends RFC 3339, in several
        // precisions and offsets). `format: date-time` makes them
        // `chrono::DateTime<Utc>` in the generated crate's types, so its
        // users get instants, not text to parse. The cost, in those types:
        // chrono reads RFC 3339 (a space for the `T`, lowercase, `+0000`
        // pass), and anything else Telnyx might send (no offset, a bare
        // date, no seconds) fails to deserialize, and with it the whole
        // response the raw client decodes (progenitor's
        // `Error::InvalidResponsePayload`). The hand-written crate decodes
        // responses with its own, tolerant types.
        if prop_name.ends_with("_at") && get_str(s, "type").is_some_and(|t| t == "string")
            || timestamp_nullable(s, prop_name)
        {
            out.entry(key("format")).or_insert_with(|| key("date-time"));
        }
        // Rule 4: open enums in bodies.
        if open_enums && out.contains_key("enum") {
            let strings = out.get("type").is_none_or(|t| t.as_str() == Some("string"))
                && out
                    .get("enum")
                    .and_then(Value::as_sequence)
                    .is_some_and(|values| values.iter().all(Value::is_string));
            if !strings {
                return Err(err(
                    loc,
                    "has an enum whose values are not all strings; only a string enum can be \
                     opened (rule 4), and a closed one would fail a whole response on a new value",
                ));
            }
            return Ok(open_enum(out));
        }
        Ok(Value::Mapping(out))
    }
}

/// Refuses a `style` or `explode` other than what the adaptation assumes:
/// progenitor sends a query parameter as `form` (exploded), path and header
/// parameters as `simple` (not exploded), the OpenAPI defaults; rule 2
/// writes deepObject members as `name[member]=value`, which is `explode:
/// true` (deepObject is defined for nothing else). Any other spelling would
/// reach the wire differently from what the spec says.
fn check_style(loc: &str, name: &str, location: &str, p: &Value) -> Result<(), AdaptError> {
    let default = if location == "query" {
        "form"
    } else {
        "simple"
    };
    let style = get_str(p, "style").unwrap_or(default);
    let known = style == default || (location == "query" && style == "deepObject");
    if !known {
        return Err(err(
            loc,
            format!(
                "parameter `{name}` (in {location}) has style `{style}`; the adaptation only \
                 knows `{default}`{}",
                if location == "query" {
                    " and `deepObject`"
                } else {
                    ""
                }
            ),
        ));
    }
    let assumed = style != "simple";
    match get(p, "explode") {
        None => Ok(()),
        Some(Value::Bool(b)) if *b == assumed => Ok(()),
        Some(other) => Err(err(
            loc,
            format!(
                "parameter `{name}` has `explode: {}` with style `{style}`; the adaptation \
                 sends it as `explode: {assumed}`",
                serde_yaml::to_string(other).unwrap_or_default().trim_end()
            ),
        )),
    }
}

/// Resolves a local `$ref` into `components.<kind>`.
fn resolve<'c>(components: &'c Value, v: &Value, kind: &str) -> Option<&'c Value> {
    let r = get_str(v, "$ref")?;
    let name = r.strip_prefix(&format!("#/components/{kind}/"))?;
    get(components, kind).and_then(|c| get(c, name))
}

/// Rule 11: a type's doc. typify documents a type with its schema's
/// `description` only, so a prose `title` ("Create Managed Account
/// Request"; one with a space: a bare identifier says no more than the
/// type's name) goes in front of it. A hoisted schema (`hoisted`) loses its
/// title, which would compete with the name given to it, and without a
/// description of its own takes `context` (the response's or request
/// body's description).
fn document(schema: &mut Value, hoisted: bool, context: Option<&Value>) {
    let Some(m) = schema.as_mapping_mut() else {
        return;
    };
    let text = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    let title = if hoisted {
        text(m.remove("title").as_ref())
    } else {
        text(m.get("title"))
    }
    .filter(|t| t.contains(' '));
    let description = text(m.get("description")).or_else(|| text(context.filter(|_| hoisted)));
    let doc = match (title, description) {
        (Some(t), Some(d)) if d.starts_with(&t) => Some(d),
        (Some(t), Some(d)) => Some(format!("{t}\n\n{d}")),
        (t, d) => t.or(d),
    };
    if let Some(doc) = doc {
        m.insert(key("description"), Value::String(doc));
    }
}

/// A hoisted schema without the words rule 11 gave it: what two operations
/// must agree on to share one component.
fn without_docs(schema: &Value) -> Value {
    let mut s = schema.clone();
    if let Some(m) = s.as_mapping_mut() {
        m.remove("description");
    }
    s
}

fn timestamp_nullable(s: &Value, prop_name: &str) -> bool {
    prop_name.ends_with("_at")
        && get(s, "type")
            .and_then(Value::as_sequence)
            .is_some_and(|t| t.iter().any(|x| x.as_str() == Some("string")))
}

/// `{type: string, enum: E, default: D, ...rest}` becomes
/// `{...rest, oneOf: [{type: string, enum: E, default: D}, {type: string, not: {enum: E}}]}`:
/// exactly one branch matches any string, and typify makes it an untagged
/// enum of the known values or the other string. (typify cannot check a
/// default against a `oneOf`, so the default moves inside.)
fn open_enum(mut m: Mapping) -> Value {
    let values = m.remove("enum").unwrap_or(Value::Null);
    m.remove("type");
    let mut known = Mapping::new();
    known.insert(key("type"), key("string"));
    known.insert(key("enum"), values);
    if let Some(default) = m.remove("default") {
        known.insert(key("default"), default);
    }
    let mut other = Mapping::new();
    other.insert(key("type"), key("string"));
    let mut not = Mapping::new();
    not.insert(
        key("enum"),
        known.get("enum").cloned().unwrap_or(Value::Null),
    );
    other.insert(key("not"), Value::Mapping(not));
    m.insert(
        key("oneOf"),
        Value::Sequence(vec![Value::Mapping(known), Value::Mapping(other)]),
    );
    Value::Mapping(m)
}

/// Rule 9: a `default` anywhere in a request schema becomes `x-default`, so
/// the generated field is optional and the body carries only what the caller
/// set (as the official SDKs send it), leaving the default to the server.
/// Otherwise typify makes the field a plain value that is always sent: an
/// update that sets nothing would reset the field to its default.
fn defaults_to_extension(schema: &mut Value) {
    let Some(m) = schema.as_mapping_mut() else {
        return;
    };
    if let Some(default) = m.remove("default") {
        m.insert(key("x-default"), default);
    }
    if let Some(props) = m.get_mut("properties").and_then(Value::as_mapping_mut) {
        props.values_mut().for_each(defaults_to_extension);
    }
    for k in ["items", "additionalProperties", "not"] {
        if let Some(sub) = m.get_mut(k) {
            defaults_to_extension(sub);
        }
    }
    for k in ["allOf", "anyOf", "oneOf"] {
        if let Some(subs) = m.get_mut(k).and_then(Value::as_sequence_mut) {
            subs.iter_mut().for_each(defaults_to_extension);
        }
    }
}

/// The schemas `roots` name and every schema they reference, transitively.
/// A schema responses share with a request is among them: its field is then
/// optional in responses too, which decodes the same wire.
fn reachable(schemas: &BTreeMap<String, Value>, roots: &BTreeSet<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.iter().cloned().collect();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = schemas.get(&name) {
            let mut refs = BTreeSet::new();
            collect_refs(schema, &mut refs);
            todo.extend(refs);
        }
    }
    seen
}

/// Rule 3: `sort` enums gain the `-` descending form of each value.
fn add_descending_sort(schema: &mut Value, loc: &str) -> Result<(), AdaptError> {
    let Some(values) = schema.as_mapping_mut().and_then(|m| m.get_mut("enum")) else {
        return Ok(());
    };
    let seq = values
        .as_sequence_mut()
        .ok_or_else(|| err(loc, "`sort` enum is not a list"))?;
    let mut out = Vec::new();
    for v in seq.iter() {
        let s = v
            .as_str()
            .ok_or_else(|| err(loc, "`sort` enum has a non-string value"))?;
        let base = s.trim_start_matches('-');
        for candidate in [base.to_owned(), format!("-{base}")] {
            if !out.contains(&key(&candidate)) {
                out.push(key(&candidate));
            }
        }
    }
    *seq = out;
    Ok(())
}

fn is_success(code: &Value) -> bool {
    status_text(code).starts_with('2')
}

/// A response's status key (`200`, `2XX`) as text, whether YAML read it as
/// a number or a string.
fn status_text(code: &Value) -> String {
    match code {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// Rule 6: names for the hoisted `{data}` envelopes.
fn envelope_name(schema: &Value) -> Option<String> {
    let props = get(schema, "properties")?;
    let data = get(props, "data")?;
    let has_meta = get(props, "meta").is_some();
    if let Some(r) = get_str(data, "$ref") {
        let name = r.rsplit('/').next()?;
        return Some(format!("{name}Response"));
    }
    let item = get_str(get(data, "items")?, "$ref")?.rsplit('/').next()?;
    Some(if has_meta {
        format!("{item}Page")
    } else {
        format!("{item}List")
    })
}

fn collect_refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Mapping(m) => {
            for (k, v) in m {
                if k.as_str() == Some("$ref") {
                    if let Some(name) = v
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    {
                        out.insert(name.to_owned());
                    }
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Sequence(s) => s.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Renders the fragment document as the checked-in YAML text.
///
/// `provenance` is the opening comment (whole lines, each starting with `#`)
/// saying what the fragment was derived from.
pub fn render(doc: &Value, provenance: &str) -> Result<String, serde_yaml::Error> {
    let body = serde_yaml::to_string(doc)?;
    Ok(format!("{provenance}{FRAGMENT_HEADER}{body}"))
}
