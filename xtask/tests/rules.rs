//! Each adaptation rule on a small 3.1 input, and each refusal.

use serde_yaml::Value;
use xtask::adapt::{adapt, OPERATIONS};

/// A minimal 3.1 spec holding all twelve operations (as plain GETs with a
/// trivial 200), with `extra` merged into the first one's place.
fn spec_with(first_op: &str, extra_paths: &str, components: &str) -> Value {
    let mut paths = String::new();
    for (i, op) in OPERATIONS.iter().enumerate() {
        if i == 0 {
            continue;
        }
        paths.push_str(&format!(
            "  /op{i}:\n    get:\n      operationId: {op}\n      responses:\n        '200':\n          description: ok\n"
        ));
    }
    let text = format!(
        "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths:\n  /first:\n{first_op}\n{paths}{extra_paths}\ncomponents:\n{components}\n"
    );
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("test spec does not parse: {e}\n{text}"))
}

fn first_op(body: &str) -> String {
    format!("    get:\n      operationId: {}\n{body}", OPERATIONS[0])
}

const OK_200: &str = "      responses:\n        '200':\n          description: ok\n";

fn op(doc: &Value) -> &Value {
    &doc["paths"]["/first"]["get"]
}

#[test]
fn null_types_become_nullable_and_timestamps_date_time() {
    let doc = adapt(&spec_with(
        &first_op(&format!(
            "{OK_200}          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/U'\n"
        )),
        "",
        "  schemas:\n    U:\n      type: object\n      properties:\n        last_sign_in_at:\n          type: [string, 'null']\n        created_at:\n          type: string\n        name:\n          type: string\n",
    ))
    .expect("adapt");
    let props = &doc["components"]["schemas"]["U"]["properties"];
    assert_eq!(props["last_sign_in_at"]["type"], Value::from("string"));
    assert_eq!(props["last_sign_in_at"]["nullable"], Value::from(true));
    assert_eq!(props["last_sign_in_at"]["format"], Value::from("date-time"));
    assert_eq!(props["created_at"]["format"], Value::from("date-time"));
    assert_eq!(props["name"].get("format"), None);
    assert_eq!(doc["openapi"], Value::from("3.0.3"));
}

#[test]
fn only_nullable_strings_named_at_become_timestamps() {
    let doc = adapt(&spec_with_response_schema(
        "      type: object\n      properties:\n        nickname: {type: [string, 'null']}\n        expires_at: {type: [integer, 'null']}\n        seen_at: {type: [string, 'null']}\n",
    ))
    .expect("adapt");
    let props = &doc["components"]["schemas"]["U"]["properties"];
    assert_eq!(props["seen_at"]["format"], Value::from("date-time"));
    assert_eq!(props["nickname"].get("format"), None, "not named *_at");
    assert_eq!(props["expires_at"].get("format"), None, "not a string");
    assert_eq!(props["expires_at"]["type"], Value::from("integer"));
}

#[test]
fn deep_objects_flatten_to_bracketed_wire_names() {
    let doc = adapt(&spec_with(
        &first_op(&format!(
            "      parameters:\n        - $ref: '#/components/parameters/Filter'\n{OK_200}"
        )),
        "",
        "  parameters:\n    Filter:\n      name: filter\n      in: query\n      style: deepObject\n      explode: true\n      description: consolidated\n      schema:\n        type: object\n        properties:\n          email:\n            type: object\n            properties:\n              contains: {type: string, description: at least 3}\n          status:\n            type: object\n            properties:\n              eq: {type: string, enum: [a, b]}\n",
    ))
    .expect("adapt");
    let params = op(&doc)["parameters"].as_sequence().expect("params");
    let names: Vec<_> = params
        .iter()
        .map(|p| p["name"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(names, vec!["filter[email][contains]", "filter[status][eq]"]);
    assert!(params.iter().all(|p| p["in"] == "query"));
    assert_eq!(params[0]["description"], Value::from("at least 3"));
    assert_eq!(
        params[1]["description"],
        Value::from("consolidated"),
        "borrowed from the parameter"
    );
    // Query-parameter enums stay closed (rule 4 is for component schemas).
    assert_eq!(
        params[1]["schema"]["enum"],
        serde_yaml::from_str::<Value>("[a, b]").unwrap()
    );
}

#[test]
fn sort_gains_descending_values() {
    let doc = adapt(&spec_with(
        &first_op(&format!(
            "      parameters:\n        - name: sort\n          in: query\n          schema: {{type: string, enum: [created_at, email, name]}}\n{OK_200}"
        )),
        "",
        "  schemas: {}\n",
    ))
    .expect("adapt");
    let values = &op(&doc)["parameters"][0]["schema"]["enum"];
    assert_eq!(
        values,
        &serde_yaml::from_str::<Value>("[created_at, -created_at, email, -email, name, -name]")
            .unwrap()
    );
}

#[test]
fn component_enums_open_up_and_envelopes_get_names() {
    let doc = adapt(&spec_with(
        &first_op(
            "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                title: Something Response\n                properties:\n                  data: {type: array, items: {$ref: '#/components/schemas/U'}}\n                  meta: {type: object}\n",
        ),
        "",
        "  schemas:\n    U:\n      type: object\n      properties:\n        status: {type: string, enum: [on, off], default: on, description: d}\n",
    ))
    .expect("adapt");
    let schema_ref = &op(&doc)["responses"]["200"]["content"]["application/json"]["schema"]["$ref"];
    assert_eq!(schema_ref, &Value::from("#/components/schemas/UPage"));
    assert!(doc["components"]["schemas"]["UPage"].get("title").is_none());
    let status = &doc["components"]["schemas"]["U"]["properties"]["status"];
    let one_of = status["oneOf"].as_sequence().expect("oneOf");
    assert_eq!(
        one_of[0]["enum"],
        serde_yaml::from_str::<Value>("[on, off]").unwrap()
    );
    assert_eq!(one_of[0]["default"], Value::from("on"));
    assert_eq!(one_of[1]["not"]["enum"], one_of[0]["enum"]);
    assert_eq!(status["description"], Value::from("d"));
    assert!(status.get("type").is_none() && status.get("enum").is_none());
}

#[test]
fn error_responses_csv_and_body_defaults_are_adapted() {
    let doc = adapt(&spec_with(
        &first_op(
            "      parameters:\n        - name: Accept\n          in: header\n          schema: {type: string, enum: [application/json, text/csv]}\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              properties:\n                again: {type: boolean, default: false}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/U'}\n            text/csv:\n              schema: {type: string}\n        '401':\n          description: no body\n        '422':\n          $ref: '#/components/responses/Bad'\n",
        ),
        "",
        "  schemas:\n    U: {type: object}\n    Err: {type: object, properties: {code: {type: string}}}\n  responses:\n    Bad:\n      description: bad\n      content:\n        application/json:\n          schema: {$ref: '#/components/schemas/Err'}\n",
    ))
    .expect("adapt");
    let o = op(&doc);
    assert_eq!(
        o["parameters"].as_sequence().map(Vec::len),
        Some(0),
        "Accept dropped"
    );
    let responses = o["responses"].as_mapping().expect("responses");
    assert_eq!(responses.len(), 1, "only the 2xx stays");
    assert!(o["responses"]["200"]["content"].get("text/csv").is_none());
    assert!(
        doc["components"]["schemas"].get("Err").is_some(),
        "error schema kept for reference"
    );
    let body_ref = o["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str();
    let name = body_ref
        .and_then(|r| r.rsplit('/').next())
        .expect("hoisted body");
    assert_eq!(name, format!("{}Request", OPERATIONS[0]));
    let again = &doc["components"]["schemas"][name]["properties"]["again"];
    assert!(again.get("default").is_none());
    assert_eq!(again["x-default"], Value::from(false));
}

#[test]
fn only_a_csv_operation_loses_its_accept_header_and_nothing_else() {
    let params = "      parameters:\n        - {name: Accept, in: header, schema: {type: string}}\n        - {name: X-Tag, in: header, schema: {type: string}}\n        - {name: page, in: query, schema: {type: integer}}\n";
    let names = |doc: &Value| -> Vec<String> {
        op(doc)["parameters"]
            .as_sequence()
            .expect("parameters")
            .iter()
            .map(|p| p["name"].as_str().unwrap_or("?").to_owned())
            .collect()
    };
    let csv = adapt(&spec_with(
        &first_op(&format!(
            "{params}      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/U'}}\n            text/csv:\n              schema: {{type: string}}\n"
        )),
        "",
        "  schemas:\n    U: {type: object}\n",
    ))
    .expect("adapt");
    assert_eq!(names(&csv), ["X-Tag", "page"], "rule 8 drops Accept alone");

    let json_only = adapt(&spec_with(
        &first_op(&format!(
            "{params}      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/U'}}\n"
        )),
        "",
        "  schemas:\n    U: {type: object}\n",
    ))
    .expect("adapt");
    assert_eq!(names(&json_only), ["Accept", "X-Tag", "page"]);
}

#[test]
fn the_branches_of_all_any_and_one_of_are_adapted_too() {
    let doc = adapt(&spec_with(
        &first_op(&format!(
            "{OK_200}          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/U'\n"
        )),
        "",
        "  schemas:\n    U:\n      type: object\n      properties:\n        owner:\n          anyOf:\n            - $ref: '#/components/schemas/V'\n            - type: [string, 'null']\n    V:\n      type: object\n",
    ))
    .expect("adapt");
    let schemas = &doc["components"]["schemas"];
    let branches = &schemas["U"]["properties"]["owner"]["anyOf"];
    assert_eq!(branches[1]["type"], Value::from("string"));
    assert_eq!(branches[1]["nullable"], Value::from(true));
    assert!(
        schemas.get("V").is_some(),
        "a schema only a branch refers to is kept"
    );
}

#[test]
fn status_codes_read_as_numbers_count_as_2xx() {
    // Unquoted in YAML, `200:` is a number, not a string.
    let doc = adapt(&spec_with(
        &first_op(
            "      responses:\n        200:\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/U'}\n",
        ),
        "",
        "  schemas:\n    U: {type: object}\n",
    ))
    .expect("a numeric 200 is a success response");
    let responses = op(&doc)["responses"].as_mapping().expect("responses");
    assert_eq!(responses.len(), 1, "{responses:?}");
}

#[test]
fn every_schema_an_error_response_refers_to_is_kept() {
    let doc = adapt(&spec_with(
        &first_op(&format!(
            "{OK_200}        '422':\n          description: bad\n          content:\n            application/json:\n              schema:\n                oneOf:\n                  - $ref: '#/components/schemas/E1'\n                  - $ref: '#/components/schemas/E2'\n"
        )),
        "",
        "  schemas:\n    E1: {type: object}\n    E2: {type: object}\n",
    ))
    .expect("adapt");
    let schemas = &doc["components"]["schemas"];
    assert!(
        schemas.get("E1").is_some() && schemas.get("E2").is_some(),
        "{schemas:?}"
    );
}

fn refusal(spec: Value) -> String {
    adapt(&spec).expect_err("must refuse").to_string()
}

#[test]
fn an_envelope_named_like_an_official_schema_is_refused() {
    // The inline `{data: U}` envelope would be hoisted as `UResponse`, the
    // name of an official schema U refers to: one would silently replace
    // the other in the fragment.
    let msg = refusal(spec_with(
        &first_op(
            "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  data: {$ref: '#/components/schemas/U'}\n",
        ),
        "",
        "  schemas:\n    U:\n      type: object\n      properties:\n        related: {$ref: '#/components/schemas/UResponse'}\n    UResponse:\n      type: object\n      properties:\n        other: {type: string}\n",
    ));
    assert!(
        msg.contains("schema UResponse")
            && msg.contains("a hoisted envelope collides with an official schema name"),
        "{msg}"
    );
}

#[test]
fn a_removed_operation_is_refused_by_name() {
    let mut spec = spec_with(&first_op(OK_200), "", "  schemas: {}\n");
    spec["paths"]
        .as_mapping_mut()
        .expect("paths")
        .remove("/op3");
    let msg = refusal(spec);
    assert!(
        msg.contains(OPERATIONS[3]) && msg.contains("removed or renamed"),
        "{msg}"
    );
}

#[test]
fn a_missing_operation_id_is_refused() {
    let extra = "    post:\n      responses:\n        '200':\n          description: ok\n";
    let msg = refusal(spec_with(
        &format!("{}{extra}", first_op(OK_200)),
        "",
        "  schemas: {}\n",
    ));
    assert!(
        msg.contains("POST /first") && msg.contains("no operationId"),
        "{msg}"
    );
}

#[test]
fn an_unknown_deep_object_shape_is_refused_naming_operation_and_construct() {
    let msg = refusal(spec_with(
        &first_op(&format!(
            "      parameters:\n        - name: filter\n          in: query\n          style: deepObject\n          schema:\n            type: object\n            properties:\n              tags: {{type: array, items: {{type: string}}}}\n{OK_200}"
        )),
        "",
        "  schemas: {}\n",
    ));
    assert!(
        msg.contains(OPERATIONS[0]) && msg.contains("filter[tags]") && msg.contains("array"),
        "{msg}"
    );
}

#[test]
fn unknown_2020_12_constructs_and_external_refs_are_refused() {
    let msg = refusal(spec_with(
        &first_op(&format!(
            "{OK_200}          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/U'\n"
        )),
        "",
        "  schemas:\n    U:\n      type: object\n      properties:\n        kind: {const: x}\n",
    ));
    assert!(msg.contains("schema U") && msg.contains("const"), "{msg}");
    let msg = refusal(spec_with(
        &first_op(&format!(
            "{OK_200}          content:\n            application/json:\n              schema:\n                $ref: 'other.yaml#/U'\n"
        )),
        "",
        "  schemas: {}\n",
    ));
    assert!(msg.contains("external"), "{msg}");
    let msg = refusal(spec_with(
        &first_op(&format!(
            "{OK_200}          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/U'\n"
        )),
        "",
        "  schemas:\n    U:\n      type: object\n      properties:\n        v: {type: [string, integer]}\n",
    ));
    assert!(msg.contains("nullable"), "{msg}");
}

#[test]
fn the_summary_names_what_changed() {
    let before = adapt(&spec_with(&first_op(OK_200), "", "  schemas: {}\n")).expect("adapt");
    let after = adapt(&spec_with(
        &first_op(&format!(
            "      parameters:\n        - name: fresh\n          in: query\n          schema: {{type: string}}\n{OK_200}"
        )),
        "",
        "  schemas: {}\n",
    ))
    .expect("adapt");
    let lines = xtask::summary::summarize(Some(&before), &after);
    assert_eq!(
        lines,
        vec![format!(
            "+ parameter {} fresh (in: query, required: false, type: string)",
            OPERATIONS[0]
        )]
    );
}

/// Rule 9 reaches every schema a request body uses: `$ref`'d components,
/// what they reference, nested objects, array items and enums, but not a
/// schema only responses use.
#[test]
fn defaults_become_extensions_in_every_request_schema() {
    let doc = adapt(&spec_with(
        &first_op(&format!(
            "      requestBody:\n        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/Req'}}\n{OK_200}          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Resp'}}\n"
        )),
        "",
        "  schemas:\n    Req:\n      type: object\n      properties:\n        flag: {type: boolean, default: false}\n        nested:\n          type: object\n          properties:\n            depth: {type: integer, default: 2}\n        list: {type: array, items: {$ref: '#/components/schemas/Item'}}\n        kind: {type: string, enum: [a, b], default: a}\n    Item:\n      type: object\n      properties:\n        default: {type: string, default: x}\n    Resp:\n      type: object\n      properties:\n        flag: {type: boolean, default: false}\n",
    ))
    .expect("adapt");
    let schemas = &doc["components"]["schemas"];
    let text = serde_yaml::to_string(schemas).expect("yaml");
    let req = &schemas["Req"]["properties"];
    assert_eq!(req["flag"]["x-default"], Value::from(false), "{text}");
    assert_eq!(
        req["nested"]["properties"]["depth"]["x-default"],
        Value::from(2)
    );
    assert_eq!(
        req["kind"]["oneOf"][0]["x-default"],
        Value::from("a"),
        "{text}"
    );
    // A property named `default` is a field, not the keyword.
    let item = &schemas["Item"]["properties"]["default"];
    assert_eq!(item["x-default"], Value::from("x"), "{text}");
    for name in ["Req", "Item"] {
        assert!(!has_default(&schemas[name]), "{name}: {text}");
    }
    // Responses decode a missing field as the documented default.
    assert_eq!(
        schemas["Resp"]["properties"]["flag"]["default"],
        Value::from(false)
    );
}

/// Whether a `default` keyword is left anywhere in `schema`.
fn has_default(schema: &Value) -> bool {
    let Some(m) = schema.as_mapping() else {
        return false;
    };
    m.contains_key("default")
        || m.get("properties")
            .and_then(Value::as_mapping)
            .is_some_and(|p| p.values().any(has_default))
        || ["items", "additionalProperties", "not"]
            .iter()
            .any(|k| m.get(*k).is_some_and(has_default))
        || ["allOf", "anyOf", "oneOf"].iter().any(|k| {
            m.get(*k)
                .and_then(Value::as_sequence)
                .is_some_and(|s| s.iter().any(has_default))
        })
}

/// A spec whose first operation answers `200` with `{$ref: U}`, U being
/// `schema_u` (YAML, indented under `U:`).
fn spec_with_response_schema(schema_u: &str) -> Value {
    spec_with(
        &first_op(&format!(
            "{OK_200}          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/U'\n"
        )),
        "",
        &format!("  schemas:\n    U:\n{schema_u}"),
    )
}

#[test]
fn additional_properties_false_is_dropped_so_new_fields_decode() {
    let doc = adapt(&spec_with_response_schema(
        "      type: object\n      additionalProperties: false\n      properties:\n        meta: {type: object, additionalProperties: true}\n        tags: {type: object, additionalProperties: {type: string}}\n        inner: {type: object, additionalProperties: false, properties: {a: {type: string}}}\n",
    ))
    .expect("adapt");
    let u = &doc["components"]["schemas"]["U"];
    assert_eq!(u.get("additionalProperties"), None, "{u:?}");
    assert_eq!(u["properties"]["inner"].get("additionalProperties"), None);
    // What is not strictness stays.
    assert_eq!(
        u["properties"]["meta"]["additionalProperties"],
        Value::from(true)
    );
    assert_eq!(
        u["properties"]["tags"]["additionalProperties"]["type"],
        Value::from("string")
    );
}

#[test]
fn enums_without_a_type_and_enums_in_envelopes_open_up() {
    let doc = adapt(&spec_with(
        &first_op(
            "      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              properties:\n                mode: {type: string, enum: [fast, slow]}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  data: {$ref: '#/components/schemas/U'}\n                  status: {type: string, enum: [ok, partial]}\n",
        ),
        "",
        "  schemas:\n    U:\n      type: object\n      properties:\n        tier: {enum: [gold, silver], description: no type}\n",
    ))
    .expect("adapt");
    let schemas = &doc["components"]["schemas"];
    let open = |s: &Value, values: &str| {
        let values: Value = serde_yaml::from_str(values).expect("yaml");
        assert!(s.get("enum").is_none(), "closed: {s:?}");
        assert_eq!(s["oneOf"][0]["enum"], values, "{s:?}");
        assert_eq!(s["oneOf"][0]["type"], Value::from("string"), "{s:?}");
        assert_eq!(s["oneOf"][1]["not"]["enum"], values, "{s:?}");
    };
    open(&schemas["U"]["properties"]["tier"], "[gold, silver]");
    open(
        &schemas["UResponse"]["properties"]["status"],
        "[ok, partial]",
    );
    let body = format!("{}Request", OPERATIONS[0]);
    open(
        &schemas[body.as_str()]["properties"]["mode"],
        "[fast, slow]",
    );
}

#[test]
fn an_enum_that_cannot_be_opened_is_refused() {
    let msg = refusal(spec_with_response_schema(
        "      type: object\n      properties:\n        level: {type: integer, enum: [1, 2]}\n",
    ));
    assert!(
        msg.contains("schema U.level") && msg.contains("enum") && msg.contains("string"),
        "{msg}"
    );
    // A string type with a value that is not a string cannot be opened either.
    let msg = refusal(spec_with_response_schema(
        "      type: object\n      properties:\n        level: {type: string, enum: [low, 2]}\n",
    ));
    assert!(
        msg.contains("schema U.level") && msg.contains("not all strings"),
        "{msg}"
    );
}

#[test]
fn a_one_type_list_without_null_is_not_nullable() {
    let doc = adapt(&spec_with_response_schema(
        "      type: object\n      properties:\n        name: {type: [string]}\n",
    ))
    .expect("adapt");
    let name = &doc["components"]["schemas"]["U"]["properties"]["name"];
    assert_eq!(name["type"], Value::from("string"));
    assert!(name.get("nullable").is_none(), "{name:?}");
}

#[test]
fn a_3_1_exclusive_bound_becomes_its_3_0_spelling() {
    let doc = adapt(&spec_with_response_schema(
        "      type: object\n      properties:\n        n: {type: integer, exclusiveMinimum: 0, exclusiveMaximum: 10}\n",
    ))
    .expect("adapt");
    let n = &doc["components"]["schemas"]["U"]["properties"]["n"];
    assert_eq!(n["minimum"], Value::from(0));
    assert_eq!(n["exclusiveMinimum"], Value::from(true));
    assert_eq!(n["maximum"], Value::from(10));
    assert_eq!(n["exclusiveMaximum"], Value::from(true));

    // A bound already in the 3.0 spelling passes as it is.
    let doc = adapt(&spec_with_response_schema(
        "      type: object\n      properties:\n        n: {type: integer, minimum: 0, exclusiveMinimum: true}\n",
    ))
    .expect("a 3.0 exclusive bound is not a conflict");
    let n = &doc["components"]["schemas"]["U"]["properties"]["n"];
    assert_eq!(n["minimum"], Value::from(0));
    assert_eq!(n["exclusiveMinimum"], Value::from(true));
}

#[test]
fn schema_examples_become_the_3_0_example() {
    let doc = adapt(&spec_with_response_schema(
        "      type: object\n      properties:\n        name: {type: string, examples: [Acme, Zenith]}\n",
    ))
    .expect("adapt");
    let name = &doc["components"]["schemas"]["U"]["properties"]["name"];
    assert_eq!(name["example"], Value::from("Acme"));
    assert!(
        name.get("examples").is_none(),
        "3.0 schemas have no `examples`"
    );
}

#[test]
fn additional_properties_schemas_are_adapted_too() {
    let doc = adapt(&spec_with_response_schema(
        "      type: object\n      additionalProperties:\n        type: [string, 'null']\n",
    ))
    .expect("adapt");
    let more = &doc["components"]["schemas"]["U"]["additionalProperties"];
    assert_eq!(more["type"], Value::from("string"));
    assert_eq!(more["nullable"], Value::from(true));
}

/// Anything outside what the adaptation understands is refused, naming
/// where it is and the keyword, instead of dropped or passed on unread.
#[test]
fn keywords_the_adaptation_does_not_know_are_refused_by_name_and_place() {
    for (property, keyword) in [
        (
            "{type: object, patternProperties: {'^x': {type: string}}}",
            "patternProperties",
        ),
        (
            "{type: object, properties: {a: {type: string}}, dependentRequired: {a: [b]}}",
            "dependentRequired",
        ),
        (
            "{type: string, contentMediaType: application/json}",
            "contentMediaType",
        ),
        (
            "{type: array, items: {type: string}, contains: {type: string}}",
            "contains",
        ),
        (
            "{type: object, discriminator: {propertyName: kind}}",
            "discriminator",
        ),
        ("{not: {type: string}}", "not"),
        (
            "{$ref: '#/components/schemas/V', nullable: true}",
            "nullable",
        ),
    ] {
        let msg = refusal(spec_with_response_schema(&format!(
            "      type: object\n      properties:\n        field: {property}\n    V: {{type: object}}\n"
        )));
        assert!(
            msg.contains("schema U.field") && msg.contains(&format!("`{keyword}`")),
            "{keyword}: {msg}"
        );
    }
    // ... in an item of a list, too.
    let msg = refusal(spec_with_response_schema(
        "      type: array\n      items: {type: string, contentEncoding: base64}\n",
    ));
    assert!(
        msg.contains("schema U[]") && msg.contains("`contentEncoding`"),
        "{msg}"
    );

    // Parameters, their schemas, deepObject members, request bodies, operations.
    let refused_in_op = |op_yaml: &str, keyword: &str| {
        let msg = refusal(spec_with(&first_op(op_yaml), "", "  schemas: {}\n"));
        assert!(
            msg.contains(OPERATIONS[0]) && msg.contains(&format!("`{keyword}`")),
            "{keyword}: {msg}"
        );
    };
    refused_in_op(
        &format!("      parameters:\n        - {{name: q, in: query, content: {{application/json: {{schema: {{type: object}}}}}}}}\n{OK_200}"),
        "content",
    );
    refused_in_op(
        &format!("      parameters:\n        - {{name: q, in: query, schema: {{type: string, contentMediaType: text/plain}}}}\n{OK_200}"),
        "contentMediaType",
    );
    refused_in_op(
        &format!("      parameters:\n        - name: filter\n          in: query\n          style: deepObject\n          schema:\n            type: object\n            required: [a]\n            properties:\n              a: {{type: string}}\n{OK_200}"),
        "required",
    );
    refused_in_op(
        &format!("      requestBody:\n        content:\n          application/json:\n            schema: {{type: object, propertyNames: {{pattern: '^a'}}}}\n{OK_200}"),
        "propertyNames",
    );
    refused_in_op(
        &format!("      requestBody:\n        content:\n          application/json:\n            schema: {{type: object}}\n            encoding: {{a: {{contentType: text/plain}}}}\n{OK_200}"),
        "encoding",
    );
    refused_in_op(&format!("      links: {{}}\n{OK_200}"), "links");
    refused_in_op(
        &format!("      parameters:\n        - {{name: session, in: cookie, schema: {{type: string}}}}\n{OK_200}"),
        "in: cookie",
    );
    // Extensions and what the adaptation knows pass.
    adapt(&spec_with(
        &first_op(&format!(
            "      x-anything: 1\n      deprecated: false\n      parameters:\n        - {{name: q, in: query, x-foo: 1, deprecated: true, schema: {{type: string, maxLength: 5, pattern: '^a', x-bar: 2}}}}\n{OK_200}"
        )),
        "",
        "  schemas: {}\n",
    ))
    .expect("extensions and known keywords pass");
}

/// The first operation with `params` (YAML list items, indented for it).
fn spec_with_params(params: &str) -> Value {
    spec_with(
        &first_op(&format!("      parameters:\n{params}{OK_200}")),
        "",
        "  schemas: {}\n",
    )
}

const DEEP_FILTER: &str = "        - name: filter\n          in: query\n          style: deepObject\n          schema:\n            type: object\n            properties:\n              email: {type: string}\n";

#[test]
fn a_required_deep_object_is_refused_by_name() {
    // Flattened, its members are optional parameters: `required` would be
    // lost without a word.
    let msg = refusal(spec_with_params(&format!(
        "{DEEP_FILTER}          required: true\n"
    )));
    assert!(
        msg.contains(OPERATIONS[0])
            && msg.contains("deepObject parameter `filter`")
            && msg.contains("required: true"),
        "{msg}"
    );
    // Optional (said or not), it flattens as before.
    for required in ["", "          required: false\n"] {
        let doc = adapt(&spec_with_params(&format!("{DEEP_FILTER}{required}"))).expect("adapt");
        let p = &op(&doc)["parameters"][0];
        assert_eq!(
            (&p["name"], &p["required"]),
            (&Value::from("filter[email]"), &Value::from(false))
        );
    }
}

#[test]
fn a_style_or_explode_the_adaptation_does_not_assume_is_refused() {
    let refused = [
        // A deepObject that is not exploded, which rule 2 would write as if it were.
        (
            format!("{DEEP_FILTER}          explode: false\n"),
            "`filter` has `explode: false` with style `deepObject`",
        ),
        // Comma-separated query values, which progenitor would send exploded.
        (
            "        - name: ids\n          in: query\n          style: form\n          explode: false\n          schema: {type: array, items: {type: string}}\n".to_owned(),
            "`ids` has `explode: false` with style `form`",
        ),
        // A query parameter in another style.
        (
            "        - name: ids\n          in: query\n          style: pipeDelimited\n          schema: {type: array, items: {type: string}}\n".to_owned(),
            "`ids` (in query) has style `pipeDelimited`",
        ),
        (
            "        - name: q\n          in: query\n          style: simple\n          schema: {type: string}\n".to_owned(),
            "`q` (in query) has style `simple`",
        ),
        // A path parameter in a style progenitor does not write.
        (
            "        - name: id\n          in: path\n          required: true\n          style: label\n          schema: {type: string}\n".to_owned(),
            "`id` (in path) has style `label`",
        ),
        (
            "        - name: id\n          in: path\n          required: true\n          explode: true\n          schema: {type: string}\n".to_owned(),
            "`id` has `explode: true` with style `simple`",
        ),
    ];
    for (param, want) in refused {
        let msg = refusal(spec_with_params(&param));
        assert!(
            msg.contains(OPERATIONS[0]) && msg.contains(want),
            "{want}: {msg}"
        );
    }
    // The styles the adaptation assumes, said out loud, pass.
    adapt(&spec_with_params(&format!(
        "{DEEP_FILTER}          explode: true\n        - name: q\n          in: query\n          style: form\n          explode: true\n          schema: {{type: string}}\n        - name: Accept\n          in: header\n          style: simple\n          explode: false\n          schema: {{type: string}}\n"
    )))
    .expect("the defaults, written out, are accepted");
}

/// The first operation and the second (`/op1`) each answer with an inline
/// envelope: `first` and `second` are their schemas.
fn two_envelopes(first: &str, second: &str) -> Value {
    let response = |schema: &str, description: &str| -> Value {
        serde_yaml::from_str(&format!(
            "{{description: {description}, content: {{application/json: {{schema: {schema}}}}}}}"
        ))
        .expect("yaml")
    };
    let mut spec = spec_with(
        &first_op(OK_200),
        "",
        "  schemas:\n    U:\n      type: object\n      properties:\n        id: {type: string}\n",
    );
    spec["paths"]["/first"]["get"]["responses"]["200"] = response(first, "The first's words");
    spec["paths"]["/op1"]["get"]["responses"]["200"] = response(second, "The second's words");
    spec
}

#[test]
fn two_different_envelopes_under_one_name_are_refused() {
    let plain = "{type: object, properties: {data: {$ref: '#/components/schemas/U'}}}";
    let more = "{type: object, properties: {data: {$ref: '#/components/schemas/U'}, links: {type: string}}}";
    let msg = refusal(two_envelopes(plain, more));
    assert!(
        msg.contains("schema UResponse")
            && msg.contains(&format!("operation {}", OPERATIONS[1]))
            && msg.contains("a different schema under a name another operation already gave"),
        "{msg}"
    );
    // Identical ones share one component, documented by the first
    // operation (in the canonical order, /first before /op1).
    let doc = adapt(&two_envelopes(plain, plain)).expect("identical envelopes share");
    let shared = &doc["components"]["schemas"]["UResponse"];
    assert_eq!(shared["description"], Value::from("The first's words"));
    for path in ["/first", "/op1"] {
        assert_eq!(
            doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["$ref"],
            Value::from("#/components/schemas/UResponse")
        );
    }
}

#[test]
fn hoisted_and_official_types_keep_the_specs_words() {
    let titled =
        "{type: object, title: U Response, properties: {data: {$ref: '#/components/schemas/U'}}}";
    let described = "{type: object, title: U List, description: Every U., properties: {data: {type: array, items: {$ref: '#/components/schemas/U'}}}}";
    let mut spec = two_envelopes(titled, described);
    spec["components"]["schemas"]["U"]["title"] = Value::from("A Thing Called U");
    spec["components"]["schemas"]["V"] =
        serde_yaml::from_str("{type: object, title: V, description: A v.}").expect("yaml");
    spec["components"]["schemas"]["U"]["properties"]["v"] =
        serde_yaml::from_str("{$ref: '#/components/schemas/V'}").expect("yaml");
    let doc = adapt(&spec).expect("adapt");
    let schemas = &doc["components"]["schemas"];
    // The title, then the response's words (the envelope has none).
    assert_eq!(
        schemas["UResponse"]["description"],
        Value::from("U Response\n\nThe first's words")
    );
    assert!(schemas["UResponse"].get("title").is_none());
    // The title, then the envelope's own words.
    assert_eq!(
        schemas["UList"]["description"],
        Value::from("U List\n\nEvery U.")
    );
    // An official schema's prose title becomes its doc; a title that only
    // repeats an identifier does not.
    assert_eq!(schemas["U"]["description"], Value::from("A Thing Called U"));
    assert_eq!(schemas["V"]["description"], Value::from("A v."));
}
