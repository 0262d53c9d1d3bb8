//! `entente screen` as a user runs it: a list, an input in CSV or JSON Lines, one output line per
//! input line in input order, and malformed lines reported without stopping the run.

use crate::helpers::run;
use serde_json::Value;

const LIST: &str = r#"{"id": "morgulov", "kind": "person", "names": ["Igor Morgulov"], "birth_date": "1961-05", "nationality": ["RU"]}
{"id": "cheng", "names": ["Cheng Guoping"], "birth_date": "1952", "nationality": "CN"}
this line is not JSON
{"id": "vostok", "kind": "organization", "names": ["Vostok Invest LLC"]}
{"id": "nobody", "kind": "robot", "names": ["R2"]}
"#;

fn files(input: &str, name: &str) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.jsonl");
    let inp = dir.path().join(name);
    std::fs::write(&list, LIST).unwrap();
    std::fs::write(&inp, input).unwrap();
    let (l, i) = (
        list.to_str().unwrap().to_owned(),
        inp.to_str().unwrap().to_owned(),
    );
    (dir, l, i)
}

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn screens_a_csv_file_in_order_and_reports_bad_lines() {
    let input = "id,name,birth_date,nationality\n\
                 q1,Моргулов Игорь Владимирович,1961-05-01,RU\n\
                 q2,Pyotr Smirnov,,\n\
                 q3,程国平,,\n\
                 q4,Somebody,not-a-date,\n\
                 q5,ООО Восток-Инвест,,\n";
    let (_d, list, input) = files(input, "input.csv");
    let (ok, out, err) = run(&["screen", "--list", &list, "--input", &input]);
    assert!(ok, "{err}");
    // The list's bad lines are named and left out.
    assert!(err.contains("line 3:"), "{err}");
    assert!(err.contains("line 5:") && err.contains("`robot`"), "{err}");
    let out = lines(&out);
    assert_eq!(out.len(), 5, "one line per input line: {out:?}");
    assert_eq!(out[0]["id"], "q1");
    assert_eq!(out[0]["matches"][0]["entry"], "morgulov");
    assert_eq!(out[0]["matches"][0]["name"], "Igor Morgulov");
    assert_eq!(out[0]["matches"][0]["explanation"]["birth_date"], "agrees");
    assert!(out[0]["matches"][0]["score"].as_f64().unwrap() >= 0.9);
    assert_eq!(out[1]["id"], "q2");
    assert_eq!(out[1]["matches"], Value::Array(vec![]));
    assert_eq!(out[2]["matches"][0]["entry"], "cheng");
    assert_eq!(out[3]["line"], 5);
    assert!(
        out[3]["error"].as_str().unwrap().contains("not-a-date"),
        "{}",
        out[3]
    );
    assert_eq!(out[4]["matches"][0]["entry"], "vostok");
}

#[test]
fn screens_json_lines_and_writes_csv() {
    let input = "{\"id\": \"a\", \"name\": \"Igor Morgulov\"}\n{\"id\": \"b\"}\n";
    let (_d, list, input) = files(input, "input.jsonl");
    let (ok, out, err) = run(&[
        "screen", "--list", &list, "--input", &input, "--format", "csv",
    ]);
    assert!(ok, "{err}");
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows[0], "id,best_entry,best_score,best_name,matches,error");
    assert!(rows[1].starts_with("a,morgulov,"), "{}", rows[1]);
    assert!(
        rows[2].contains("line 2: missing field `name`"),
        "{}",
        rows[2]
    );
    assert_eq!(rows.len(), 3);
}

#[test]
fn a_missing_column_or_threshold_out_of_range_is_refused() {
    let (_d, list, input) = files("id,full_name\nq1,Igor\n", "input.csv");
    let (ok, _, err) = run(&["screen", "--list", &list, "--input", &input]);
    assert!(!ok);
    assert!(err.contains("no `name` column"), "{err}");
    let (ok, _, err) = run(&[
        "screen",
        "--list",
        &list,
        "--input",
        &input,
        "--threshold",
        "2",
    ]);
    assert!(!ok);
    assert!(err.contains("--threshold must be between 0 and 1"), "{err}");
}
