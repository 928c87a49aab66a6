//! The `schemars` feature: the JSON schemas of this crate's models accept
//! every response example of the vendored official spec.
//!
//! A second, independent check that the types accept what Telnyx documents:
//! each example is validated against the schema `schemars` derives from the
//! model that holds it (formats checked), and decoded into that model with
//! serde. The examples are:
//!
//! - the response-level examples of the 200 responses;
//! - the schema-level examples of every component a 200 response uses;
//! - for every 200 response, the body assembled from its properties'
//!   examples (the spec gives most of its examples per property: a managed
//!   account has no other);
//! - the CSV example of the groups report, parsed by the client into rows.
//!
//! This crate (`telnyx-accounts-tests`) turns the feature on for its
//! dependency, so `cargo test --workspace` runs this file.

use std::collections::BTreeMap;

use jsonschema::Draft;
use schemars::{schema_for, JsonSchema};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use telnyx_accounts::{
    AllocatableChannels, Balance, ChannelLimit, GroupsReportRow, ManagedAccount,
    ManagedAccountListing, ManagedAccountSort, ManagedAccountStatus, OrganizationUser, Page,
    PageMeta, UserGroup, UserStatus,
};
use telnyx_accounts_mock::{Fault, FaultRule, MockServer};

use crate::support;

/// `{"data": T}`: the single-object responses and the groups report.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Data<T> {
    data: T,
}

/// A model's schema, compiled, and its serde decoder.
struct Model {
    name: &'static str,
    schema: Value,
    decode: fn(&Value) -> Result<(), String>,
}

fn model<T: JsonSchema + DeserializeOwned>(name: &'static str) -> Model {
    Model {
        name,
        schema: schema_for!(T).to_value(),
        decode: |v| {
            serde_json::from_value::<T>(v.clone())
                .map(drop)
                .map_err(|e| e.to_string())
        },
    }
}

impl Model {
    /// Validates and decodes `instance`; what went wrong, if anything.
    fn check(&self, instance: &Value) -> Vec<String> {
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .build(&self.schema)
            .unwrap_or_else(|e| panic!("{}: the schema does not compile: {e}", self.name));
        let mut errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{e} at `{}`", e.instance_path()))
            .collect();
        if let Err(e) = (self.decode)(instance) {
            errors.push(format!("serde: {e}"));
        }
        errors
    }
}

/// The model holding each operation's 200 body.
fn response_model(op_id: &str) -> Model {
    match op_id {
        "ListManagedAccounts" => {
            model::<Page<ManagedAccountListing>>("Page<ManagedAccountListing>")
        }
        "CreateManagedAccount"
        | "RetrieveManagedAccount"
        | "UpdateManagedAccount"
        | "DisableManagedAccount"
        | "EnableManagedAccount" => model::<Data<ManagedAccount>>("Data<ManagedAccount>"),
        "ListAllocatableGlobalOutboundChannels" => {
            model::<Data<AllocatableChannels>>("Data<AllocatableChannels>")
        }
        "UpdateManagedAccountGlobalChannelLimit" => {
            model::<Data<ChannelLimit>>("Data<ChannelLimit>")
        }
        "ListOrganizationUsers" => model::<Page<OrganizationUser>>("Page<OrganizationUser>"),
        "GetOrganizationUsersGroupsReport" => {
            model::<Data<Vec<OrganizationUser>>>("Data<Vec<OrganizationUser>>")
        }
        "GetOrganizationUser" | "DeleteOrganizationUser" => {
            model::<Data<OrganizationUser>>("Data<OrganizationUser>")
        }
        other => panic!("no model for operation {other}: add one"),
    }
}

/// The model holding each component schema a 200 response uses.
fn component_model(component: &str) -> Model {
    match component {
        "ManagedAccount" => model::<ManagedAccount>("ManagedAccount"),
        "ManagedAccountMultiListing" => model::<ManagedAccountListing>("ManagedAccountListing"),
        "ManagedAccountBalance" => model::<Balance>("Balance"),
        "ManagedAccountsGlobalOutboundChannels" => {
            model::<AllocatableChannels>("AllocatableChannels")
        }
        "SingleManagedAccountGlobalOutboundChannels" => model::<ChannelLimit>("ChannelLimit"),
        "OrganizationUser" | "OrganizationUserWithGroups" => {
            model::<OrganizationUser>("OrganizationUser")
        }
        "UserGroupReference" => model::<UserGroup>("UserGroup"),
        "PaginationMeta" | "users_PaginationMeta" => model::<PageMeta>("PageMeta"),
        other => panic!("no model for component {other}: add one"),
    }
}

/// The component schemas reachable from `schema`, by name.
fn components(schema: &'static Value, out: &mut BTreeMap<String, &'static Value>) {
    match schema {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                let name = r.rsplit('/').next().expect("a name").to_owned();
                if out.insert(name, support::resolve(schema)).is_none() {
                    components(support::resolve(schema), out);
                }
                return;
            }
            map.values().for_each(|v| components(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| components(v, out)),
        _ => {}
    }
}

/// A body assembled from the examples in `schema`: its own example if it
/// has one, else its properties' (arrays get one item).
fn assembled(schema: &'static Value) -> Option<Value> {
    let schema = support::resolve(schema);
    if let Some(example) = schema.get("example") {
        return Some(example.clone());
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        let mut map = Map::new();
        for (name, sub) in props {
            if let Some(v) = assembled(sub) {
                map.insert(name.clone(), v);
            }
        }
        return Some(Value::Object(map));
    }
    if schema["type"] == "array" {
        return assembled(&schema["items"]).map(|item| json!([item]));
    }
    None
}

fn report(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} example(s) rejected:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_response_example_of_the_official_spec_fits_our_models() {
    let mut failures = Vec::new();
    let mut checked = BTreeMap::<&str, usize>::new();

    let responses = support::json_200s();
    assert_eq!(responses.len(), 12);
    let mut used = BTreeMap::new();
    for (op_id, content) in &responses {
        let model = response_model(op_id);
        // Response-level examples.
        let mut examples: Vec<(String, &Value)> = Vec::new();
        if let Some(e) = content.get("example") {
            examples.push(("example".into(), e));
        }
        for (name, e) in content
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            examples.push((format!("examples/{name}"), &e["value"]));
        }
        for (name, example) in examples {
            for e in model.check(example) {
                failures.push(format!("{op_id} 200 {name} vs {}: {e}", model.name));
            }
            *checked.entry("response examples").or_default() += 1;
        }
        // The body assembled from the schemas' and properties' examples.
        let body = assembled(&content["schema"]).expect("an example body");
        for e in model.check(&body) {
            failures.push(format!(
                "{op_id} assembled body {body} vs {}: {e}",
                model.name
            ));
        }
        *checked.entry("assembled bodies").or_default() += 1;
        components(&content["schema"], &mut used);
    }
    // Schema-level examples of the components the responses use.
    assert!(used.len() >= 9, "components: {:?}", used.keys());
    for (name, schema) in &used {
        if let Some(example) = schema.get("example") {
            let model = component_model(name);
            for e in model.check(example) {
                failures.push(format!("component {name} example vs {}: {e}", model.name));
            }
            *checked.entry("component examples").or_default() += 1;
        }
    }
    report(&failures);
    println!("schemas: every example fits: {checked:?}");
    // One response-level example (the groups report's JSON), 12 assembled
    // bodies, 6 components with an example of their own.
    assert_eq!(checked.get("response examples"), Some(&1));
    assert_eq!(checked.get("assembled bodies"), Some(&12));
    assert_eq!(checked.get("component examples"), Some(&6));
}

#[tokio::test]
async fn the_csv_example_parses_into_rows_that_fit_their_schema() {
    let csv = support::official_spec()
        .pointer("/paths/~1organizations~1users~1users_groups_report/get/responses/200/content/text~1csv/example")
        .and_then(Value::as_str)
        .expect("the CSV example");
    let mock = MockServer::start().await;
    mock.inject(
        FaultRule::new(Fault::Raw {
            status: 200,
            content_type: "text/csv".into(),
            body: csv.to_owned().into(),
        })
        .operation("GetOrganizationUsersGroupsReport"),
    );
    let client = support::client(&mock);
    let rows = client
        .organizations()
        .users()
        .groups_report_rows()
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].groups, ["Engineering", "Sales"]);
    assert_eq!(rows[0].user_status, UserStatus::Enabled);
    let model = model::<GroupsReportRow>("GroupsReportRow");
    report(&model.check(&serde_json::to_value(&rows[0]).unwrap()));
}

#[test]
fn the_schemas_reject_what_the_models_reject() {
    // A schema that accepted anything would pass the test above.
    let account = model::<ManagedAccount>("ManagedAccount");
    let mut body =
        assembled(&support::official_spec()["components"]["schemas"]["ManagedAccount"]).unwrap();
    assert!(account.check(&body).is_empty());
    for (field, bad) in [
        ("id", json!("not-a-uuid")),
        ("id", json!(5)),
        ("created_at", json!("yesterday")),
        ("email", Value::Null),
        ("balance", json!("300.00")),
        // A secret is a string too.
        ("api_key", json!(5)),
    ] {
        let good = body[field].clone();
        body[field] = bad.clone();
        let errors = account.check(&body);
        assert!(
            errors.iter().any(|e| !e.starts_with("serde:")),
            "{field} = {bad}: the schema accepted it"
        );
        assert!(
            errors.iter().any(|e| e.starts_with("serde:")),
            "{field} = {bad}: serde accepted it"
        );
        body[field] = good;
    }
    let missing = {
        let mut b = body.clone();
        b.as_object_mut().unwrap().remove("api_key");
        b
    };
    assert!(!account.check(&missing).is_empty(), "api_key is required");
    // Every secret field refers to the one, named, secret schema.
    let schema = &account.schema;
    assert_eq!(
        schema["properties"]["api_key"]["$ref"],
        json!("#/$defs/SecretString"),
        "{schema:#}"
    );
    assert_eq!(schema["$defs"]["SecretString"]["type"], json!("string"));

    // Open enums take any string; closed ones only their values.
    let status = model::<UserStatus>("UserStatus");
    assert!(status.check(&json!("suspended")).is_empty());
    assert!(!status.check(&json!(3)).is_empty());
    let filter = model::<ManagedAccountStatus>("ManagedAccountStatus");
    assert!(filter.check(&json!("enabled")).is_empty());
    assert!(!filter.check(&json!("suspended")).is_empty());
    let sort = model::<ManagedAccountSort>("ManagedAccountSort");
    assert!(sort.check(&json!("-email")).is_empty());

    // Optional fields take null, as the decoding does.
    let user = model::<OrganizationUser>("OrganizationUser");
    assert!(user
        .check(&json!({"id": null, "groups": null, "email": null}))
        .is_empty());
}
