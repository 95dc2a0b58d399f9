//! What goes over the wire, as the sandbox saw it.

mod common;

use common::*;
use splio_sms::{Method, Recipient, SendRequest};

#[test]
fn a_send_is_a_put_with_a_form_body_in_contract_order() {
    let sandbox = sandbox();
    client(&sandbox)
        .send(&one("+33612345678").opcode("O1").category("c"))
        .unwrap();
    let m = &sandbox.messages()[0];
    assert_eq!(m.method, "PUT");
    assert_eq!(
        m.field_order,
        ["universe", "key", "message", "rcpts", "opcode", "category"]
    );
    assert_eq!(
        m.content_type.as_deref(),
        Some("application/x-www-form-urlencoded; charset=utf-8")
    );
}

#[test]
fn post_is_a_setting_with_the_same_body() {
    let sandbox = sandbox();
    builder(&sandbox)
        .method(Method::Post)
        .build()
        .unwrap()
        .send(&one("+33612345678"))
        .unwrap();
    let m = &sandbox.messages()[0];
    assert_eq!(m.method, "POST");
    assert_eq!(m.field_order, ["universe", "key", "message", "rcpts"]);
}

#[test]
fn user_agent_names_the_library_version_binding_and_suffix() {
    let sandbox = sandbox();
    client(&sandbox).send(&one("+33612345678")).unwrap();
    builder(&sandbox)
        .user_agent_suffix("shop/2.0")
        .build()
        .unwrap()
        .send(&one("+33612345678"))
        .unwrap();
    let m = sandbox.messages();
    let version = splio_sms::VERSION;
    assert_eq!(
        m[0].user_agent.as_deref(),
        Some(format!("splio-sms/{version} (rust)").as_str())
    );
    assert_eq!(
        m[1].user_agent.as_deref(),
        Some(format!("splio-sms/{version} (rust) shop/2.0").as_str())
    );
}

#[test]
fn recipients_travel_as_json_with_their_fields_and_unicode_intact() {
    let sandbox = sandbox();
    let request = SendRequest::new(DESIGN).recipient(
        Recipient::new("+33612345678")
            .field("firstname", "Zoé & Åsa")
            .field("c0", "a=b&c"),
    );
    client(&sandbox).send(&request).unwrap();
    let r = &sandbox.messages()[0].rcpts[0];
    assert_eq!(r["firstname"], "Zoé & Åsa");
    assert_eq!(r["c0"], "a=b&c");
}

#[test]
fn the_sandbox_never_records_the_key() {
    let sandbox = sandbox();
    client(&sandbox).send(&one("+33612345678")).unwrap();
    let recorded = serde_json::to_string(&sandbox.messages()).unwrap();
    assert!(!recorded.contains(KEY));
}
