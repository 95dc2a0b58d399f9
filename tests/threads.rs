//! One client shared by many threads: one pool, no lost or doubled result.

mod common;

use std::collections::HashSet;

use common::*;

#[test]
fn eight_threads_share_one_client_and_every_send_lands_once() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    let per_thread = 50;
    std::thread::scope(|s| {
        for t in 0..8 {
            let client = &client;
            s.spawn(move || {
                for i in 0..per_thread {
                    let r = client.send(&one(&format!("+336{t:02}{i:06}"))).unwrap();
                    assert_eq!(r.inserted, Some(1));
                }
            });
        }
    });
    let messages = sandbox.messages();
    assert_eq!(messages.len(), 8 * per_thread);
    let distinct: HashSet<String> = messages
        .iter()
        .map(|m| m.rcpts[0]["cellphone"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(distinct.len(), 8 * per_thread);
    assert_eq!(sandbox.hits(), 8 * per_thread as u64);
}

#[test]
fn clones_of_a_client_share_it_across_threads() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let c = client.clone();
            std::thread::spawn(move || c.send(&one(&format!("+3361234567{t}"))).unwrap())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap().attempts, 1);
    }
    assert_eq!(sandbox.messages().len(), 4);
}
