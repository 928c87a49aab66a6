//! The change summary `regen` prints names every change the wire or the
//! generated client sees, against the checked-in fragment, and nothing for
//! prose.

use serde_yaml::Value;

fn official() -> Value {
    xtask::read_spec(&xtask::workspace_root().join(xtask::UPSTREAM)).expect("official spec")
}

fn fragment_text() -> String {
    std::fs::read_to_string(xtask::workspace_root().join(xtask::FRAGMENT)).expect("fragment")
}

/// The summary after `edit` to the official spec.
fn summary_after(edit: impl FnOnce(&mut Value)) -> Vec<String> {
    let mut spec = official();
    edit(&mut spec);
    xtask::adapt_text(&spec, Some(&fragment_text()), "")
        .expect("adapt")
        .1
}

fn schemas(spec: &mut Value) -> &mut Value {
    &mut spec["components"]["schemas"]
}

fn params(spec: &mut Value) -> &mut Value {
    &mut spec["components"]["parameters"]
}

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).expect("yaml")
}

#[test]
fn a_field_becoming_required_is_reported() {
    let lines = summary_after(|s| {
        schemas(s)["OrganizationUser"]
            .as_mapping_mut()
            .expect("OrganizationUser")
            .insert(Value::from("required"), yaml("[id]"));
    });
    assert_eq!(
        lines,
        ["~ field OrganizationUser.id: required false -> true"]
    );
}

#[test]
fn a_type_change_is_reported() {
    let lines = summary_after(|s| {
        schemas(s)["UpdateManagedAccountGlobalChannelLimitRequest"]["properties"]
            ["channel_limit"]["type"] = Value::from("number");
    });
    assert_eq!(
        lines,
        ["~ field UpdateManagedAccountGlobalChannelLimitRequest.channel_limit: type integer -> number"]
    );
}

#[test]
fn a_format_change_is_reported() {
    let lines = summary_after(|s| {
        schemas(s)["ManagedAccount"]["properties"]["id"]
            .as_mapping_mut()
            .expect("id")
            .remove("format");
    });
    assert_eq!(lines, ["~ field ManagedAccount.id: format uuid -> (none)"]);
}

#[test]
fn a_nullable_change_is_reported() {
    let lines = summary_after(|s| {
        schemas(s)["OrganizationUser"]["properties"]["last_sign_in_at"]["type"] =
            Value::from("string");
    });
    assert_eq!(
        lines,
        ["~ field OrganizationUser.last_sign_in_at: nullable true -> (none)"]
    );
}

#[test]
fn a_default_change_is_reported_in_parameters_and_request_bodies() {
    let lines = summary_after(|s| {
        params(s)["users_PageSize"]["schema"]["default"] = Value::from(100);
        schemas(s)["UpdateManagedAccountRequest"]["properties"]
            ["managed_account_allow_custom_pricing"]
            .as_mapping_mut()
            .expect("field")
            .insert(Value::from("default"), Value::from(false));
    });
    assert_eq!(
        lines,
        [
            "~ field UpdateManagedAccountRequest.managed_account_allow_custom_pricing: x-default (none) -> false",
            "~ parameter ListOrganizationUsers page[size]: default 250 -> 100",
        ]
    );
}

#[test]
fn a_parameter_style_in_and_required_change_is_reported() {
    let lines = summary_after(|s| {
        params(s)["IncludeGroups"]
            .as_mapping_mut()
            .expect("IncludeGroups")
            .insert(Value::from("style"), Value::from("form"));
        params(s)["users_PageNumber"]["in"] = Value::from("header");
        params(s)["IncludeCancelledAccounts"]["required"] = Value::from(true);
    });
    assert_eq!(
        lines,
        [
            "~ parameter GetOrganizationUser include_groups: style (none) -> form",
            "~ parameter ListManagedAccounts include_cancelled_accounts: required false -> true",
            "~ parameter ListOrganizationUsers include_groups: style (none) -> form",
            "~ parameter ListOrganizationUsers page[number]: in query -> header",
        ]
    );
}

#[test]
fn a_bound_change_is_reported() {
    let lines = summary_after(|s| {
        params(s)["users_PageSize"]["schema"]["maximum"] = Value::from(100);
    });
    assert_eq!(
        lines,
        ["~ parameter ListOrganizationUsers page[size]: maximum 250 -> 100"]
    );
}

#[test]
fn request_body_and_response_changes_are_reported() {
    let lines = summary_after(|s| {
        let patch = &mut s["paths"]["/managed_accounts/{id}"]["patch"];
        patch["requestBody"]["required"] = Value::from(false);
        let responses = s["paths"]["/managed_accounts/{id}/actions/disable"]["post"]["responses"]
            .as_mapping_mut()
            .expect("responses");
        let ok = responses.remove("200").expect("200");
        responses.insert(Value::from("201"), ok);
    });
    assert_eq!(
        lines,
        [
            "~ operation DisableManagedAccount (POST /managed_accounts/{id}/actions/disable): response 200 application/json ManagedAccountResponse -> (none)",
            "~ operation DisableManagedAccount (POST /managed_accounts/{id}/actions/disable): response 201 (none) -> application/json ManagedAccountResponse",
            "~ operation UpdateManagedAccount (PATCH /managed_accounts/{id}): request body required true -> false",
        ]
    );
}

#[test]
fn additions_and_removals_carry_their_facts() {
    let lines = summary_after(|s| {
        schemas(s)["UserGroupReference"]["properties"]
            .as_mapping_mut()
            .expect("properties")
            .insert(
                Value::from("color"),
                yaml("{type: string, format: hex, description: The colour.}"),
            );
        schemas(s)["OrganizationUser"]["properties"]
            .as_mapping_mut()
            .expect("properties")
            .remove("last_sign_in_at");
    });
    assert_eq!(
        lines,
        [
            "- field OrganizationUser.last_sign_in_at (format: date-time, nullable: true, required: false, type: string)",
            "+ field UserGroupReference.color (format: hex, required: false, type: string)",
        ]
    );
}

#[test]
fn prose_is_not_a_change() {
    let lines = summary_after(|s| {
        schemas(s)["ManagedAccount"]["properties"]["id"]["description"] =
            Value::from("Another description.");
        schemas(s)["ManagedAccount"]["properties"]["id"]["example"] = Value::from("x");
        params(s)["users_PageSize"]["description"] = Value::from("Another description.");
    });
    assert!(lines.is_empty(), "{lines:#?}");
}
