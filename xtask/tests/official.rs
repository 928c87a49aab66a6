//! The fragment against Telnyx's official spec (the vendored copy in
//! `openapi/upstream/`): the adapter reproduces the checked-in fragment
//! exactly, an independent checker finds every official operation, query
//! parameter, field and enum value in it, and `regen` keeps the vendored
//! spec, the fragment and the generated code in step.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_yaml::Value;

fn upstream_text() -> String {
    fs::read_to_string(xtask::workspace_root().join(xtask::UPSTREAM)).expect("vendored spec")
}

fn official() -> Value {
    xtask::read_spec(&xtask::workspace_root().join(xtask::UPSTREAM)).expect("official spec")
}

fn fragment_text() -> String {
    std::fs::read_to_string(xtask::workspace_root().join(xtask::FRAGMENT)).expect("fragment")
}

#[test]
fn adapting_the_official_spec_reproduces_the_checked_in_fragment_byte_for_byte() {
    let provenance = xtask::provenance(&upstream_text());
    let (text, changes) =
        xtask::adapt_text(&official(), Some(&fragment_text()), &provenance).expect("adapt");
    assert!(changes.is_empty(), "summary should be empty: {changes:#?}");
    assert!(
        text == fragment_text(),
        "openapi/telnyx-accounts.yaml is not what `cargo xtask regen --from` writes; rerun it"
    );
}

#[test]
fn the_fragment_is_openapi_3_0_3_that_progenitor_accepts() {
    let text = fragment_text();
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(&text).expect("3.0 document");
    assert_eq!(spec.openapi, "3.0.3");
    let generated = xtask::generate::generate(&text, xtask::FRAGMENT).expect("generate");
    assert_eq!(generated.files.len(), 2);
}

// ---------------------------------------------------------------------------
// The checker: written against the official document's own structure, not
// the adapter's code, so a rule that drops something shows up here.

fn get<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
    v.as_mapping().and_then(|m| m.get(k))
}

fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match get(v, "$ref").and_then(Value::as_str) {
        Some(r) => {
            let mut cur = doc;
            for part in r.trim_start_matches("#/").split('/') {
                cur = get(cur, part).unwrap_or_else(|| panic!("unresolvable {r}"));
            }
            resolve(doc, cur)
        }
        None => v,
    }
}

/// Every `(json path, enum value)` and json path of properties under `schema`.
fn schema_facts(
    doc: &Value,
    schema: &Value,
    prefix: &str,
    depth: usize,
    out: &mut BTreeSet<String>,
) {
    if depth > 12 {
        return;
    }
    let schema = resolve(doc, schema);
    for values in [get(schema, "enum")].into_iter().flatten() {
        for v in values.as_sequence().into_iter().flatten() {
            out.insert(format!("{prefix} = {}", v.as_str().unwrap_or("?")));
        }
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        for sub in get(schema, combinator)
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            // `not` branches are constraints, not values.
            schema_facts(doc, sub, prefix, depth + 1, out);
        }
    }
    if let Some(props) = get(schema, "properties").and_then(Value::as_mapping) {
        for (name, sub) in props {
            let path = format!("{prefix}.{}", name.as_str().unwrap_or("?"));
            out.insert(path.clone());
            schema_facts(doc, sub, &path, depth + 1, out);
        }
    }
    if let Some(items) = get(schema, "items") {
        schema_facts(doc, items, &format!("{prefix}[]"), depth + 1, out);
    }
}

/// Query parameters under their wire names, deepObjects expanded.
fn query_names(doc: &Value, name: &str, schema: &Value, deep: bool, out: &mut BTreeSet<String>) {
    let schema = resolve(doc, schema);
    match get(schema, "properties").and_then(Value::as_mapping) {
        Some(props) if deep => {
            for (prop, sub) in props {
                query_names(
                    doc,
                    &format!("{name}[{}]", prop.as_str().unwrap_or("?")),
                    sub,
                    deep,
                    out,
                );
            }
        }
        _ => {
            out.insert(name.to_owned());
            let mut facts = BTreeSet::new();
            schema_facts(doc, schema, name, 0, &mut facts);
            out.extend(facts);
        }
    }
}

/// Everything a user of the operation sees: its identity, its query
/// parameters and values, its JSON request and 2xx response fields.
fn operation_facts(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let paths = get(doc, "paths")
        .and_then(Value::as_mapping)
        .expect("paths");
    for (path, item) in paths {
        for (method, op) in item.as_mapping().into_iter().flatten() {
            let id = get(op, "operationId")
                .and_then(Value::as_str)
                .unwrap_or("?");
            out.insert(format!(
                "{id}: {} {}",
                method.as_str().unwrap_or("?"),
                path.as_str().unwrap_or("?")
            ));
            for p in get(op, "parameters")
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
            {
                let p = resolve(doc, p);
                if get(p, "in").and_then(Value::as_str) == Some("header") {
                    continue; // the CSV Accept header: sent by hand (rule 8)
                }
                let name = get(p, "name").and_then(Value::as_str).unwrap_or("?");
                let deep = get(p, "style").and_then(Value::as_str) == Some("deepObject");
                let mut names = BTreeSet::new();
                query_names(
                    doc,
                    name,
                    get(p, "schema").unwrap_or(&Value::Null),
                    deep,
                    &mut names,
                );
                out.extend(names.into_iter().map(|n| format!("{id} param {n}")));
            }
            let body = get(op, "requestBody").map(|b| resolve(doc, b));
            if let Some(schema) = body
                .and_then(|b| get(b, "content"))
                .and_then(|c| get(c, "application/json"))
                .and_then(|m| get(m, "schema"))
            {
                let mut facts = BTreeSet::new();
                schema_facts(doc, schema, "body", 0, &mut facts);
                out.extend(facts.into_iter().map(|f| format!("{id} {f}")));
            }
            for (code, resp) in get(op, "responses")
                .and_then(Value::as_mapping)
                .into_iter()
                .flatten()
            {
                let code = code
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("{code:?}"));
                if !code.starts_with('2') {
                    continue; // error responses: parsed by hand (rule 7)
                }
                let resp = resolve(doc, resp);
                if let Some(schema) = get(resp, "content")
                    .and_then(|c| get(c, "application/json"))
                    .and_then(|m| get(m, "schema"))
                {
                    let mut facts = BTreeSet::new();
                    schema_facts(doc, schema, "response", 0, &mut facts);
                    out.extend(facts.into_iter().map(|f| format!("{id} {code} {f}")));
                }
            }
        }
    }
    out
}

#[test]
fn the_fragment_has_every_official_operation_parameter_field_and_enum_value() {
    let official = official();
    let fragment: Value = serde_yaml::from_str(&fragment_text()).expect("fragment");
    let want = operation_facts(&official);
    let have = operation_facts(&fragment);
    let missing: Vec<_> = want.difference(&have).collect();
    assert!(missing.is_empty(), "the fragment lacks: {missing:#?}");
    // The checker sees something: 12 operations, their parameters and fields.
    assert_eq!(want.iter().filter(|f| f.contains(": ")).count(), 12);
    assert!(
        want.len() > 150,
        "only {} facts: is the checker blind?",
        want.len()
    );
    // What the fragment adds beyond the official spec, on purpose (rule 3).
    let extra: Vec<_> = have.difference(&want).collect();
    assert_eq!(
        extra,
        vec![
            "ListManagedAccounts param sort = -created_at",
            "ListManagedAccounts param sort = -email"
        ]
    );
}

#[test]
fn the_checker_notices_a_dropped_field() {
    let official = official();
    let mut fragment: Value = serde_yaml::from_str(&fragment_text()).expect("fragment");
    let props = fragment["components"]["schemas"]["ManagedAccount"]["properties"]
        .as_mapping_mut()
        .expect("ManagedAccount properties");
    props.remove("api_token");
    let missing: Vec<_> = operation_facts(&official)
        .difference(&operation_facts(&fragment))
        .cloned()
        .collect();
    assert!(
        missing
            .iter()
            .any(|f| f.ends_with("response.data.api_token")),
        "{missing:#?}"
    );
}

/// The spec changes every few weeks: a new field, query parameter and enum
/// value must flow into the fragment and the generated code untouched.
#[test]
fn additions_to_the_official_spec_flow_into_fragment_and_code() {
    let mut spec = official();
    let schemas = &mut spec["components"]["schemas"];
    schemas["ManagedAccount"]["properties"]
        .as_mapping_mut()
        .expect("ManagedAccount properties")
        .insert(
            Value::from("billing_group_id"),
            serde_yaml::from_str("{type: string, description: The billing group.}").expect("yaml"),
        );
    schemas["OrganizationUser"]["properties"]["user_status"]["enum"]
        .as_sequence_mut()
        .expect("user_status enum")
        .push(Value::from("suspended"));
    spec["paths"]["/organizations/users"]["get"]["parameters"]
        .as_sequence_mut()
        .expect("users list parameters")
        .push(
            serde_yaml::from_str("{name: 'filter[group]', in: query, schema: {type: string}}")
                .expect("yaml"),
        );

    let (text, changes) = xtask::adapt_text(&spec, Some(&fragment_text()), "").expect("adapt");
    assert_eq!(
        changes,
        vec![
            "+ field ManagedAccount.billing_group_id (required: false, type: string)",
            "+ field OrganizationUser.user_status value \"suspended\"",
            "+ parameter ListOrganizationUsers filter[group] (in: query, required: false, type: string)",
        ]
    );
    let generated = xtask::generate::generate(&text, xtask::FRAGMENT).expect("generate");
    let code = &generated.files[1].1;
    assert!(code.contains("pub billing_group_id: ::std::option::Option<::std::string::String>"));
    assert!(code.contains("#[serde(rename = \"suspended\")]"));
    assert!(code.contains("pub fn filter_group<V>(mut self, value: V) -> Self"));
}

/// The item named `name` (a struct, an impl's self type) in `module` of
/// the generated file, with its doc comments removed, as tokens.
fn generated_items(code: &str, module: &[&str], name: &str) -> Vec<String> {
    let file: syn::File = syn::parse_str(code).expect("generated code parses");
    let mut items = &file.items;
    for m in module {
        items = items
            .iter()
            .find_map(|i| match i {
                syn::Item::Mod(md) if md.ident == m => md.content.as_ref().map(|(_, c)| c),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no module {m}"));
    }
    let is_doc = |a: &syn::Attribute| a.path().is_ident("doc");
    let text = |item: syn::Item| {
        prettyplease::unparse(&syn::File {
            shebang: None,
            attrs: Vec::new(),
            items: vec![item],
        })
    };
    items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) if s.ident == name => {
                let mut s = s.clone();
                s.attrs.retain(|a| !is_doc(a));
                for f in s.fields.iter_mut() {
                    f.attrs.retain(|a| !is_doc(a));
                }
                Some(text(syn::Item::Struct(s)))
            }
            syn::Item::Impl(im) => match &*im.self_ty {
                syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name) => {
                    Some(text(i.clone()))
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Rule 9 on a `$ref`'d request body: if Telnyx documents the server's
/// default for `managed_account_allow_custom_pricing`, the field stays
/// optional and unset, so an `update(id)` that sets nothing still sends `{}`
/// and does not reset the account's custom pricing.
#[test]
fn a_default_in_a_referenced_request_schema_leaves_the_field_unset() {
    let mut spec = official();
    spec["components"]["schemas"]["UpdateManagedAccountRequest"]["properties"]
        ["managed_account_allow_custom_pricing"]
        .as_mapping_mut()
        .expect("the property")
        .insert(Value::from("default"), Value::from(false));
    let (text, _) = xtask::adapt_text(&spec, Some(&fragment_text()), "").expect("adapt");
    let fragment: Value = serde_yaml::from_str(&text).expect("fragment");
    let field = &fragment["components"]["schemas"]["UpdateManagedAccountRequest"]["properties"]
        ["managed_account_allow_custom_pricing"];
    assert_eq!(field.get("default"), None, "{field:?}");
    assert_eq!(field["x-default"], Value::from(false));

    // The type and its builder are the checked-in ones, token for token (doc
    // comments aside): `Option<bool>`, skipped when `None`, `None` by
    // default. tests/tests/generated_smoke.rs shows that type sending `{}`.
    let generated = xtask::generate::generate(&text, xtask::FRAGMENT).expect("generate");
    let code = &generated.files[1].1;
    let checked_in = fs::read_to_string(
        xtask::workspace_root()
            .join(xtask::GEN_DIR)
            .join("generated.rs"),
    )
    .expect("generated.rs");
    let name = "UpdateManagedAccountRequest";
    for module in [&["types"][..], &["types", "builder"][..]] {
        let now = generated_items(code, module, name);
        assert!(!now.is_empty(), "no {name} in {module:?}");
        assert_eq!(
            now,
            generated_items(&checked_in, module, name),
            "{module:?}"
        );
    }
    let field = generated_items(code, &["types"], name).remove(0);
    assert!(
        field.contains(
            "#[serde(skip_serializing_if = \"::std::option::Option::is_none\")]\n    \
             pub managed_account_allow_custom_pricing: ::std::option::Option<bool>,"
        ),
        "{field}"
    );
}

/// Strictness in a newer spec must not reach the generated types: a closed
/// object or enum would fail a whole response when Telnyx adds a field or a
/// value.
#[test]
fn strictness_in_the_official_spec_does_not_reach_the_generated_code() {
    let mut spec = official();
    let account = spec["components"]["schemas"]["ManagedAccount"]
        .as_mapping_mut()
        .expect("ManagedAccount");
    account.insert(Value::from("additionalProperties"), Value::from(false));
    account["properties"]
        .as_mapping_mut()
        .expect("properties")
        .insert(
            Value::from("tier"),
            serde_yaml::from_str("{enum: [gold, silver]}").expect("yaml"),
        );
    spec["paths"]["/managed_accounts"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["properties"]
        .as_mapping_mut()
        .expect("envelope properties")
        .insert(
            Value::from("status"),
            serde_yaml::from_str("{type: string, enum: [complete, partial]}").expect("yaml"),
        );
    let (text, _) = xtask::adapt_text(&spec, Some(&fragment_text()), "").expect("adapt");
    let generated = xtask::generate::generate(&text, xtask::FRAGMENT).expect("generate");
    let code = &generated.files[1].1;
    assert!(!code.contains("deny_unknown_fields"));
    // Each enum is a known value or any other string.
    for name in ["ManagedAccountTier", "ManagedAccountMultiListingPageStatus"] {
        assert!(
            code.contains(&format!(
                "#[serde(untagged)]\n    pub enum {name} {{\n        Variant0({name}Variant0),\n        Variant1({name}Variant1),\n    }}"
            )),
            "{name} is not open"
        );
    }
}

// ---------------------------------------------------------------------------
// The vendored spec, the fragment and the code, kept in step by `regen`.

#[test]
fn cutting_the_vendored_spec_reproduces_it_byte_for_byte() {
    let cut = xtask::upstream::cut(&official()).expect("cut");
    let text = xtask::upstream::render(&cut).expect("render");
    assert!(
        text == upstream_text(),
        "{} is not what `regen --from` writes for it",
        xtask::UPSTREAM
    );
}

/// What the whole official spec has around the twelve operations, and the
/// cut must deal with: webhooks (dropped), a path-level parameter list
/// (kept: it belongs to our operations too) and another operation on one of
/// our paths (dropped).
#[test]
fn the_cut_drops_webhooks_and_other_operations_and_keeps_path_level_entries() {
    let mut whole = official();
    let yaml = |s: &str| serde_yaml::from_str::<Value>(s).expect("yaml");
    let root = whole.as_mapping_mut().expect("object");
    for key in ["webhooks", "x-webhooks"] {
        root.insert(
            key.into(),
            yaml("callStatus: {post: {operationId: CallStatusWebhook}}"),
        );
    }
    let path = root
        .get_mut("paths")
        .and_then(|p| p.get_mut("/managed_accounts/{id}"))
        .and_then(Value::as_mapping_mut)
        .expect("a path of ours");
    path.insert(
        "parameters".into(),
        yaml("[{name: id, in: path, required: true, schema: {type: string}}]"),
    );
    path.insert(
        "delete".into(),
        yaml("{operationId: DeleteManagedAccount, responses: {'204': {description: gone}}}"),
    );

    let cut = xtask::upstream::cut(&whole).expect("cut");
    let text = xtask::upstream::render(&cut).expect("render");
    assert!(!text.contains("webhooks") && !text.contains("CallStatusWebhook"));
    let path = &cut["paths"]["/managed_accounts/{id}"];
    let keys: Vec<&str> = path
        .as_mapping()
        .expect("path")
        .keys()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(keys, ["get", "patch", "parameters"]);
    assert_eq!(path["parameters"][0]["name"], Value::from("id"));
}

/// A scratch copy of the three files `regen` keeps in step.
fn scratch_root(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("regen-{name}"));
    let _ = fs::remove_dir_all(&root);
    let here = xtask::workspace_root();
    for rel in [
        xtask::UPSTREAM.to_owned(),
        xtask::FRAGMENT.to_owned(),
        format!("{}/lib.rs", xtask::GEN_DIR),
        format!("{}/generated.rs", xtask::GEN_DIR),
    ] {
        let to = root.join(&rel);
        fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        fs::copy(here.join(&rel), &to).expect("copy");
    }
    root
}

fn check(root: &Path) -> Result<Vec<String>, String> {
    xtask::regen(
        root,
        &xtask::Options {
            check: true,
            from: None,
        },
    )
}

fn edit_one_char(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    fs::write(path, text.replacen(from, to, 1)).expect("write");
}

// That the checked-in files agree is `cargo xtask regen --check` itself, a
// step of `.ci/run`; the tests here do not run that check again.

/// `cargo xtask ARGS` run on `root` (as `cargo xtask` does: the root is
/// found from `CARGO_MANIFEST_DIR`).
fn xtask_cli(root: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("CARGO_MANIFEST_DIR", root.join("xtask"))
        .output()
        .expect("run xtask")
}

/// Parsing only, so no generation runs: in a root with no files, `regen`
/// fails at once, naming the spec it was told to read.
#[test]
fn the_command_line_takes_from_with_or_without_a_path() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("regen-cli-empty");
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(root.join("xtask")).expect("mkdir");
    let fails_reading = |args: &[&str], what: &str| {
        let out = xtask_cli(&root, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.code() == Some(1) && stderr.contains(what),
            "{args:?}: {out:?}"
        );
    };
    // `--from` followed by another option: the vendored spec (and
    // `--check` is an option, not a path).
    fails_reading(
        &["regen", "--from", "--check"],
        &format!(
            "{}: cannot read the vendored official spec",
            xtask::UPSTREAM
        ),
    );
    // `--from PATH`: that spec.
    let spec = root.join("official.yaml");
    let spec = spec.to_str().expect("utf-8");
    fails_reading(
        &["regen", "--from", spec, "--check"],
        &format!("{spec}: cannot read"),
    );

    let out = xtask_cli(&root, &["regen", "--frm"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown option `--frm`"));
}

#[test]
fn check_names_a_hand_edit_to_the_fragment() {
    let root = scratch_root("fragment-edit");
    edit_one_char(&root.join(xtask::FRAGMENT), "minimum: 1", "minimum: 2");
    let err = check(&root).expect_err("a hand-edited fragment must fail the check");
    assert!(
        err.contains(&format!(
            "stale files (run `cargo xtask regen` and commit): {}",
            xtask::FRAGMENT
        )),
        "{err}"
    );
    assert!(err.contains("edited by hand?"), "{err}");
    // ... says what the edit changes ...
    assert!(
        err.contains("  ~ parameter ListManagedAccounts page[number]: minimum 2 -> 1\n"),
        "{err}"
    );
    // ... and shows the edit, as a unified diff from the file to what regen writes.
    let diff = format!(
        "--- {0} (checked in)\n+++ {0} (as regen derives it)\n",
        xtask::FRAGMENT
    );
    assert!(err.contains(&diff), "{err}");
    assert!(err.contains("\n@@ -"), "{err}");
    assert!(
        err.contains("\n-          minimum: 2\n+          minimum: 1\n"),
        "{err}"
    );
}

#[test]
fn check_shows_a_missing_file_as_created() {
    let root = scratch_root("missing");
    let lib = format!("{}/lib.rs", xtask::GEN_DIR);
    fs::remove_file(root.join(&lib)).expect("rm");
    let err = check(&root).expect_err("a missing generated file must fail the check");
    assert!(
        err.contains(&format!(
            "--- /dev/null\n+++ {lib} (as regen derives it)\n@@ -0,0 +1,"
        )),
        "{err}"
    );
    assert!(err.ends_with(&format!("and commit): {lib}")), "{err}");
}

#[test]
fn check_bounds_the_diff_of_a_file_rewritten_throughout() {
    let root = scratch_root("generated-rewrite");
    let path = root.join(xtask::GEN_DIR).join("generated.rs");
    let text = fs::read_to_string(&path).expect("read");
    fs::write(&path, text.replace("    ", "\t")).expect("write");
    let err = check(&root).expect_err("a rewritten generated file must fail the check");
    let lines = err.lines().count();
    assert!(lines < 250, "{lines} lines of output");
    assert!(err.contains("more lines of this diff not shown"), "{err}");
    assert!(
        err.trim_end().ends_with("generated.rs"),
        "the stale files close the message:\n{}",
        &err[err.len().saturating_sub(300)..]
    );
}

#[test]
fn a_stale_files_diff_stops_at_its_line_budget_and_counts_the_rest() {
    let old: String = (1..=10).map(|i| format!("a{i}\n")).collect();
    let new: String = (1..=10).map(|i| format!("b{i}\n")).collect();
    assert_eq!(
        xtask::diff::unified("f.yaml", Some(&old), &new, 5),
        "--- f.yaml (checked in)\n\
         +++ f.yaml (as regen derives it)\n\
         @@ -1,10 +1,10 @@\n\
         -a1\n-a2\n-a3\n-a4\n\
         ... 16 more lines of this diff not shown (run `cargo xtask regen` and `git diff f.yaml`)\n"
    );
    // Within the budget, the whole diff and nothing more.
    assert_eq!(
        xtask::diff::unified("f.yaml", Some("a\n"), "b\n", 3),
        "--- f.yaml (checked in)\n+++ f.yaml (as regen derives it)\n@@ -1 +1 @@\n-a\n+b\n"
    );
}

#[test]
fn check_names_a_hand_edit_to_the_vendored_spec_even_where_the_fragment_does_not_show_it() {
    let root = scratch_root("upstream-edit");
    // `info.contact` does not reach the fragment's operations: only the
    // fingerprint can tell.
    edit_one_char(
        &root.join(xtask::UPSTREAM),
        "support@telnyx.com",
        "supporT@telnyx.com",
    );
    let err = check(&root).expect_err("a hand-edited vendored spec must fail the check");
    assert!(
        err.starts_with(&format!(
            "{} is not the file {} was derived from",
            xtask::UPSTREAM,
            xtask::FRAGMENT
        )),
        "{err}"
    );
    assert!(err.contains("edited by hand"), "{err}");
}

#[test]
fn regen_from_a_whole_spec_cuts_it_to_the_twelve_operations() {
    let root = scratch_root("from-whole");
    // A whole spec has other operations, components, tags and webhooks.
    let mut whole = official();
    whole["paths"].as_mapping_mut().expect("paths").insert(
        Value::from("/calls"),
        serde_yaml::from_str(
            "{get: {operationId: ListCalls, tags: [Calls], responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Call'}}}}}}}",
        )
        .expect("yaml"),
    );
    whole["components"]["schemas"]
        .as_mapping_mut()
        .expect("schemas")
        .insert(
            Value::from("Call"),
            serde_yaml::from_str("{type: object}").expect("yaml"),
        );
    whole["tags"]
        .as_sequence_mut()
        .expect("tags")
        .push(serde_yaml::from_str("{name: Calls, description: Calls}").expect("yaml"));
    // ... and a field added to one of ours, which must flow through.
    whole["components"]["schemas"]["UserGroupReference"]["properties"]
        .as_mapping_mut()
        .expect("UserGroupReference properties")
        .insert(
            Value::from("color"),
            serde_yaml::from_str("{type: string}").expect("yaml"),
        );
    let spec_path = root.join("spec3.yml");
    fs::write(&spec_path, serde_yaml::to_string(&whole).expect("yaml")).expect("write");

    let lines = xtask::regen(
        &root,
        &xtask::Options {
            check: false,
            from: Some(spec_path),
        },
    )
    .expect("regen --from");
    assert!(
        lines.contains(
            &"  + field UserGroupReference.color (required: false, type: string)".to_owned()
        ),
        "{lines:?}"
    );
    for rel in [xtask::UPSTREAM, xtask::FRAGMENT] {
        assert!(lines.contains(&format!("wrote {rel}")), "{lines:?}");
    }
    let vendored = fs::read_to_string(root.join(xtask::UPSTREAM)).expect("vendored");
    assert!(vendored.contains("\"color\""));
    assert!(
        !vendored.contains("ListCalls")
            && !vendored.contains("\"Call\"")
            && !vendored.contains("\"Calls\"")
    );
    // The three files now agree again.
    check(&root).expect("after regen --from, the check passes");
}

/// The text of each file `regen` keeps in step, under `root`.
fn tree(root: &Path) -> Vec<Option<String>> {
    [
        xtask::UPSTREAM.to_owned(),
        xtask::FRAGMENT.to_owned(),
        format!("{}/lib.rs", xtask::GEN_DIR),
        format!("{}/generated.rs", xtask::GEN_DIR),
    ]
    .iter()
    .map(|rel| fs::read_to_string(root.join(rel)).ok())
    .collect()
}

/// Runs `regen --from` on `spec` in `root`, expecting it to fail and to
/// leave the tree as it was; returns the error.
fn regen_from_fails_and_writes_nothing(root: &Path, spec: &Value) -> String {
    let spec_path = root.join("spec3.json");
    fs::write(&spec_path, serde_json::to_string(spec).expect("json")).expect("write");
    let before = tree(root);
    let err = xtask::regen(
        root,
        &xtask::Options {
            check: false,
            from: Some(spec_path),
        },
    )
    .expect_err("regen must fail");
    assert!(before == tree(root), "a failed regen changed files: {err}");
    err
}

#[test]
fn a_failed_regen_writes_nothing() {
    let root = scratch_root("failed");
    let mut spec = official();
    spec["paths"]
        .as_mapping_mut()
        .expect("paths")
        .remove("/organizations/users/{id}/actions/remove");
    let err = regen_from_fails_and_writes_nothing(&root, &spec);
    assert!(err.contains("DeleteOrganizationUser"), "{err}");
}

/// The adaptation succeeds and progenitor fails: the cut spec and the
/// fragment are derived by then, and must not be written either.
#[test]
fn a_regen_that_fails_in_progenitor_writes_nothing() {
    let root = scratch_root("failed-progenitor");
    let mut spec = official();
    // progenitor asserts that path parameters are required.
    spec["paths"]["/managed_accounts/{id}"]["get"]["parameters"][0]["required"] =
        Value::from(false);
    xtask::adapt::adapt(&spec).expect("the adaptation itself passes it through");
    let err = regen_from_fails_and_writes_nothing(&root, &spec);
    assert!(
        err.contains("progenitor failed (in operation RetrieveManagedAccount)")
            && err.contains("parameter_data.required"),
        "{err}"
    );
}

#[test]
fn progenitors_failure_names_the_operation_whatever_its_method() {
    for method in ["put", "post", "delete", "options", "head", "patch"] {
        // A GET that generates, and beside it on the same path an operation
        // progenitor fails on (its path parameter is not required).
        let fragment = format!(
            "openapi: 3.0.3\n\
             info: {{title: t, version: '1'}}\n\
             paths:\n  \
               /things/{{id}}:\n    \
                 get:\n      \
                   operationId: GetThing\n      \
                   parameters:\n      - {{name: id, in: path, required: true, schema: {{type: string}}}}\n      \
                   responses:\n        '200': {{description: ok}}\n    \
                 {method}:\n      \
                   operationId: Broken{method}\n      \
                   parameters:\n      - {{name: id, in: path, required: false, schema: {{type: string}}}}\n      \
                   responses:\n        '200': {{description: ok}}\n"
        );
        let err = match xtask::generate::generate(&fragment, "fragment.yaml") {
            Ok(_) => panic!("{method}: progenitor accepted a path parameter that is not required"),
            Err(e) => e,
        };
        assert!(
            err.contains(&format!("progenitor failed (in operation Broken{method})")),
            "{method}: {err}"
        );
    }
}

/// Every file is derived; then one of them cannot be written (its directory
/// is a file). The others must not have been replaced already.
#[test]
fn a_regen_that_cannot_write_one_file_writes_none() {
    let root = scratch_root("failed-write");
    let gen_dir = root.join(xtask::GEN_DIR);
    fs::remove_dir_all(&gen_dir).expect("rm");
    fs::write(&gen_dir, "not a directory").expect("write");
    let mut spec = official();
    spec["components"]["schemas"]["UserGroupReference"]["properties"]
        .as_mapping_mut()
        .expect("UserGroupReference properties")
        .insert(
            Value::from("color"),
            serde_yaml::from_str("{type: string}").expect("yaml"),
        );
    let err = regen_from_fails_and_writes_nothing(&root, &spec);
    assert!(err.contains(xtask::GEN_DIR), "{err}");
    // ... and leaves nothing of its own beside them.
    for dir in ["openapi", "openapi/upstream"] {
        let names: Vec<String> = fs::read_dir(root.join(dir))
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|n| !n.contains("xtask")),
            "left behind in {dir}: {names:?}"
        );
    }
}

/// `v` with the keys of every mapping, at every level, in an order drawn
/// from `seed` (a fixed linear congruential sequence: the same every run).
fn shuffle_keys(v: &Value, seed: &mut u64) -> Value {
    match v {
        Value::Mapping(m) => {
            let mut entries: Vec<(Value, Value)> = m
                .iter()
                .map(|(k, v)| (k.clone(), shuffle_keys(v, seed)))
                .collect();
            for i in (1..entries.len()).rev() {
                *seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let j = usize::try_from((*seed >> 33) % (i as u64 + 1)).expect("small");
                entries.swap(i, j);
            }
            Value::Mapping(entries.into_iter().collect())
        }
        Value::Sequence(s) => Value::Sequence(s.iter().map(|v| shuffle_keys(v, seed)).collect()),
        other => other.clone(),
    }
}

/// The keys of every mapping in document order, depth first: two documents
/// with the same keys give different lists when any mapping is reordered.
fn key_order(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Mapping(m) => {
            for (k, v) in m {
                out.push(format!("{k:?}"));
                key_order(v, out);
            }
        }
        Value::Sequence(s) => s.iter().for_each(|v| key_order(v, out)),
        _ => {}
    }
}

/// The fragment without its provenance, which records the vendored file's
/// SHA-256 (that file keeps upstream's text, and so its order).
fn without_fingerprint(fragment: &str) -> String {
    fragment
        .lines()
        .filter(|l| !l.contains("(sha256 "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_spec_that_only_reorders_keys_gives_the_same_fragment_and_code() {
    let original = official();
    let mut seed = 0x5eed_u64;
    let shuffled = shuffle_keys(&original, &mut seed);
    assert_eq!(
        shuffled, original,
        "the same document (mappings compare unordered)"
    );
    let (mut before, mut after) = (Vec::new(), Vec::new());
    key_order(&original, &mut before);
    key_order(&shuffled, &mut after);
    let moved = before.iter().zip(&after).filter(|(a, b)| a != b).count();
    assert!(
        moved > before.len() / 2,
        "the shuffle reorders most keys ({moved} of {})",
        before.len()
    );

    let root = scratch_root("shuffled");
    let spec_path = root.join("spec3.yml");
    fs::write(&spec_path, serde_yaml::to_string(&shuffled).expect("yaml")).expect("write");
    xtask::regen(
        &root,
        &xtask::Options {
            check: false,
            from: Some(spec_path),
        },
    )
    .expect("regen --from the shuffled spec");

    let here = xtask::workspace_root();
    let read = |dir: &Path, rel: &str| fs::read_to_string(dir.join(rel)).expect("read");
    // The vendored copy is upstream's text: it keeps the shuffled order.
    let vendored = read(&root, xtask::UPSTREAM);
    assert_ne!(vendored, read(&here, xtask::UPSTREAM));
    let mut vendored_order = Vec::new();
    key_order(
        &serde_yaml::from_str(&vendored).expect("vendored"),
        &mut vendored_order,
    );
    let mut cut_order = Vec::new();
    key_order(
        &xtask::upstream::cut(&shuffled).expect("cut"),
        &mut cut_order,
    );
    assert_eq!(vendored_order, cut_order);
    // The fragment and the code do not move.
    assert!(
        without_fingerprint(&read(&root, xtask::FRAGMENT))
            == without_fingerprint(&read(&here, xtask::FRAGMENT)),
        "the fragment depends on the spec's key order"
    );
    for file in ["lib.rs", "generated.rs"] {
        let rel = format!("{}/{file}", xtask::GEN_DIR);
        assert!(
            read(&root, &rel) == read(&here, &rel),
            "{rel} depends on the spec's key order"
        );
    }
}
