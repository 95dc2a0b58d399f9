//! Every validation rule, checked before any byte leaves, with every problem
//! reported at once and named by its path.

mod common;

use common::*;
use splio_sms::{
    validate, validate_json, validate_with, Duplicates, ErrorKind, Recipient, SendRequest,
};

fn paths(json: &str) -> Vec<String> {
    let e = validate_json(json).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    e.problems().iter().map(|p| p.path.clone()).collect()
}

#[test]
fn design_id_must_be_nine_ascii_letters_or_digits() {
    for bad in ["AbCdEf12", "AbCdEf1234", "AbCdEf-12", "AbCdÉf123", ""] {
        let e =
            validate(&SendRequest::new(bad).recipient(Recipient::new("+33612345678"))).unwrap_err();
        assert_eq!(e.problems()[0].path, "message", "{bad:?}");
    }
    assert!(validate(&one("+33612345678")).is_ok());
}

#[test]
fn recipients_must_be_a_non_empty_array_of_objects_with_a_string_cellphone() {
    assert_eq!(paths(r#"{"message":"AbCdEf123","rcpts":[]}"#), ["rcpts"]);
    assert_eq!(
        paths(r#"{"message":"AbCdEf123","rcpts":"+33612345678"}"#),
        ["rcpts"]
    );
    assert_eq!(paths(r#"{"message":"AbCdEf123"}"#), ["rcpts"]);
    assert_eq!(
        paths(
            r#"{"message":"AbCdEf123","rcpts":["+33612345678",{"firstname":"x"},{"cellphone":33612345678}]}"#
        ),
        ["rcpts[0]", "rcpts[1].cellphone", "rcpts[2].cellphone"]
    );
}

#[test]
fn cellphones_are_cleaned_of_separators_and_sent_in_e164() {
    let sandbox = sandbox();
    let request = SendRequest::new(DESIGN)
        .recipient(Recipient::new("+33 (6) 12-34.56.78"))
        .recipient(Recipient::new("0044 7400 123456"))
        .recipient(Recipient::new("8613912345678"));
    client(&sandbox).send(&request).unwrap();
    let sent: Vec<String> = sandbox.messages()[0]
        .rcpts
        .iter()
        .map(|r| r["cellphone"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(sent, ["+33612345678", "+447400123456", "+8613912345678"]);
}

#[test]
fn cellphones_must_be_numbers_their_country_gives_mobiles() {
    let request = SendRequest::new(DESIGN).recipients(
        [
            "12345",
            "+1234567890123456",
            "+33 6 12 34 56 7a",
            "33+612345678",
            "",
            "+33 1 23 45 67 89",
            "+447400123456",
        ]
        .map(Recipient::new),
    );
    let e = validate(&request).unwrap_err();
    let p: Vec<&str> = e.problems().iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        p,
        [
            "rcpts[0].cellphone",
            "rcpts[1].cellphone",
            "rcpts[2].cellphone",
            "rcpts[3].cellphone",
            "rcpts[4].cellphone",
            "rcpts[5].cellphone"
        ]
    );
    assert!(e.problems()[0].message.contains("5 digits"));
    assert!(e.problems()[2].message.contains("'a'"));
    assert!(e.problems()[5].message.contains("landline"));
}

#[test]
fn field_values_are_sent_as_strings_and_nulls_left_out() {
    let sandbox = sandbox();
    let json = r#"{"message":"AbCdEf123","rcpts":[{"cellphone":"+33612345678","firstname":"Zoé","c0":123456,"c1":1.5,"c2":true,"c3":null}]}"#;
    client(&sandbox).send_json(json).unwrap();
    let r = &sandbox.messages()[0].rcpts[0];
    assert_eq!(r["firstname"], "Zoé");
    assert_eq!(r["c0"], "123456");
    assert_eq!(r["c1"], "1.5");
    assert_eq!(r["c2"], "true");
    assert!(r.get("c3").is_none());
}

#[test]
fn array_and_object_field_values_are_refused() {
    assert_eq!(
        paths(
            r#"{"message":"AbCdEf123","rcpts":[{"cellphone":"+33612345678","c0":[1],"c1":{"a":1}}]}"#
        ),
        ["rcpts[0].c0", "rcpts[0].c1"]
    );
}

#[test]
fn unknown_request_keys_are_refused() {
    assert_eq!(
        paths(r#"{"message":"AbCdEf123","rcpts":[{"cellphone":"+33612345678"}],"catgory":"x"}"#),
        ["catgory"]
    );
}

#[test]
fn opcode_and_category_must_be_strings_and_are_sent() {
    assert_eq!(
        paths(
            r#"{"message":"AbCdEf123","rcpts":[{"cellphone":"+33612345678"}],"opcode":5,"category":["a"]}"#
        ),
        ["opcode", "category"],
        "problems come in document order"
    );
    let sandbox = sandbox();
    client(&sandbox)
        .send(&one("+33612345678").opcode("O12345").category("welcome"))
        .unwrap();
    let m = &sandbox.messages()[0];
    assert_eq!(m.opcode.as_deref(), Some("O12345"));
    assert_eq!(m.category.as_deref(), Some("welcome"));
}

#[test]
fn every_problem_is_reported_at_once() {
    let e = validate_json(
        r#"{"message":"bad","rcpts":[{"cellphone":"12"},{"cellphone":"+33612345678","c0":{}},"x"],"extra":1}"#,
    )
    .unwrap_err();
    let mut p: Vec<&str> = e.problems().iter().map(|p| p.path.as_str()).collect();
    p.sort();
    assert_eq!(
        p,
        [
            "extra",
            "message",
            "rcpts[0].cellphone",
            "rcpts[1].c0",
            "rcpts[2]"
        ]
    );
    assert!(e.message().contains("and 4 more problems"), "{e}");
}

#[test]
fn text_that_is_not_json_is_an_invalid_argument() {
    for bad in ["", "{", "[1]", "\"str\""] {
        assert_eq!(
            validate_json(bad).unwrap_err().kind(),
            ErrorKind::InvalidArgument,
            "{bad:?}"
        );
    }
}

fn repeated() -> SendRequest {
    SendRequest::new(DESIGN).recipients(
        [
            "+33612345678",
            "+33699999999",
            "0033612345678",
            "33 6 12 34 56 78",
        ]
        .map(Recipient::new),
    )
}

#[test]
fn repeated_numbers_are_rejected_by_default_each_repeat_naming_the_first() {
    let e = validate(&repeated()).unwrap_err();
    let paths: Vec<&str> = e.problems().iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["rcpts[2].cellphone", "rcpts[3].cellphone"]);
    for p in e.problems() {
        assert!(p.message.contains("repeats rcpts[0]"), "{}", p.message);
        assert!(p.message.contains("set duplicates to dedupe or allow"));
    }
}

#[test]
fn dedupe_keeps_the_first_occurrence_and_reports_the_dropped_count() {
    let sandbox = sandbox();
    let client = builder(&sandbox)
        .duplicates(Duplicates::Dedupe)
        .build()
        .unwrap();
    let r = client.send(&repeated()).unwrap();
    assert_eq!(r.dropped_duplicates, 2);
    let sent: Vec<String> = sandbox.messages()[0]
        .rcpts
        .iter()
        .map(|r| r["cellphone"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(sent, ["+33612345678", "+33699999999"]);
}

#[test]
fn allow_sends_every_occurrence() {
    assert!(validate_with(&repeated(), Duplicates::Allow).is_ok());
    let sandbox = sandbox();
    let client = builder(&sandbox)
        .duplicates(Duplicates::Allow)
        .build()
        .unwrap();
    assert_eq!(client.send(&repeated()).unwrap().todo, Some(4));
}

#[test]
fn field_names_must_be_usable() {
    let request = SendRequest::new(DESIGN).recipient(
        Recipient::new("+33612345678")
            .field("", "x")
            .field("cellphone", "y")
            .field("first name", "z"),
    );
    let e = validate(&request).unwrap_err();
    assert_eq!(e.problems().len(), 3, "{e:?}");
}
