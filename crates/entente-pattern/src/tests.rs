//! The grammar by table: the patterns of the STIX 2.1 specification's examples (part 9) parse to
//! the tree expected; malformed ones are refused with the position and the reason.

use super::*;

fn path(t: &str, steps: &[PathStep]) -> ObjectPath {
    ObjectPath {
        object_type: t.into(),
        steps: steps.to_vec(),
    }
}

fn prop(s: &str) -> PathStep {
    PathStep::Property(s.into())
}

#[test]
fn the_specifications_examples_parse() {
    let ok = [
        "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
        "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']",
        "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND file:mime_type = 'application/x-pdf']",
        "[file:hashes.'SHA-256' = 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] AND [file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
        "[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar'] WITHIN 300 SECONDS",
        "[user-account:account_type = 'unix' AND user-account:user_id = '1007' AND user-account:account_login = 'Peter'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1008' AND user-account:account_login = 'Paul'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1009' AND user-account:account_login = 'Mary']",
        "[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\\\xd4\\\\xc3\\\\xb2\\\\xa1\\\\x02\\\\x00\\\\x04\\\\x00']",
        "[file:name = 'foo.dll' AND file:parent_directory_ref.path = 'C:\\\\Windows\\\\System32']",
        "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
        "[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']",
        "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33/32']",
        "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 180 SECONDS",
        "[domain-name:value = 'www.5z8.info' AND domain-name:resolvesto_refs[*].value = '198.51.100.1/32']",
        "[url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar']",
        "[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']",
        "[windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\CryptoLocker\\\\Files' OR windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\Microsoft\\\\CurrentVersion\\\\Run\\\\CryptoLocker_0388']",
        "[(file:name = 'pdf.exe' OR file:size = '371712') AND file:created = t'2014-01-13T07:03:17Z']",
        "[email-message:sender_ref.value = 'jdoe@example.com' AND email-message:subject = 'Conference Info']",
        "[x-usb-device:usbdrive.serial_number = '575833314133343231313937']",
        "[process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS",
        "[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
        "([file:name = 'foo.dll'] AND [win-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) OR [process:name = 'fooproc' OR process:name = 'procfoo']",
        "[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
        "[ipv4-addr:value NOT IN ('10.0.0.1', '10.0.0.2')]",
        "[file:size IN (1, 2, 3)] AND [file:name LIKE 'setup%.exe']",
        "[file:content_ref.payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']",
        "[process:pid <= -1] OR [process:is_hidden = true]",
        "[EXISTS windows-registry-key:values[0].name]",
        "[network-traffic:src_port >= 1024 AND network-traffic:src_port < 65536 AND network-traffic:protocols[0] != 'tcp']",
        "[ipv4-addr:value NOT ISSUPERSET '10.0.0.0/8']",
    ];
    for p in ok {
        if let Err(e) = parse(p) {
            panic!("{p}\n{e}");
        }
    }
}

#[test]
fn the_tree_is_what_the_pattern_says() {
    let o = parse("[file:hashes.'SHA-256' = 'ab' OR file:size > 10] AND [url:value != 'x'] FOLLOWEDBY [process:pid IN (1, -2)] WITHIN 5.5 SECONDS").unwrap();
    let left = Observation::And(
        Box::new(Observation::Match(Comparison::Or(
            Box::new(Comparison::Test(Test::Compare {
                path: path("file", &[prop("hashes"), prop("SHA-256")]),
                negated: false,
                op: Op::Eq,
                value: Literal::Str("ab".into()),
            })),
            Box::new(Comparison::Test(Test::Compare {
                path: path("file", &[prop("size")]),
                negated: false,
                op: Op::Gt,
                value: Literal::Int(10),
            })),
        ))),
        Box::new(Observation::Match(Comparison::Test(Test::Compare {
            path: path("url", &[prop("value")]),
            negated: false,
            op: Op::Neq,
            value: Literal::Str("x".into()),
        }))),
    );
    let right = Observation::Qualified(
        Box::new(Observation::Match(Comparison::Test(Test::In {
            path: path("process", &[prop("pid")]),
            negated: false,
            set: vec![Literal::Int(1), Literal::Int(-2)],
        }))),
        Qualifier::Within { seconds: 5.5 },
    );
    assert_eq!(o, Observation::FollowedBy(Box::new(left), Box::new(right)));
    // AND binds tighter than OR inside brackets; paths with indexes and [*].
    let o = parse("[a:x[*].y[2] = 1 OR a:b = 2 AND a:c = 3]").unwrap();
    let Observation::Match(Comparison::Or(first, rest)) = o else {
        panic!("{o:?}")
    };
    assert!(matches!(*rest, Comparison::And(_, _)));
    let Comparison::Test(Test::Compare { path: p, .. }) = *first else {
        panic!()
    };
    assert_eq!(
        p.steps,
        [prop("x"), PathStep::AnyIndex, prop("y"), PathStep::Index(2)]
    );
    // Constants.
    let o = parse("[a:b = h'ff00' OR a:c = b'AAE=' OR a:d = t'2016-01-01T00:00:00.5Z' OR a:e = 'it\\'s' OR a:f = false]").unwrap();
    let s = format!("{o:?}");
    for want in [
        "Hex([255, 0])",
        "Binary([0, 1])",
        "Timestamp(1451606400500000)",
        "Str(\"it's\")",
        "Bool(false)",
    ] {
        assert!(s.contains(want), "{want} in {s}");
    }
    // Qualifiers chain.
    let o = parse("[a:b = 1] REPEATS 3 TIMES WITHIN 10 SECONDS").unwrap();
    assert!(matches!(
        o,
        Observation::Qualified(_, Qualifier::Within { .. })
    ));
}

#[test]
fn malformed_patterns_are_refused_with_the_position_and_the_reason() {
    let cases: [(&str, usize, &str); 20] = [
        ("", 0, "not empty"),
        ("file:name = 'x'", 0, "`[` or `(`"),
        ("[file:name = 'x'", 16, "expected `]`"),
        ("[file:name = 'x]", 13, "not closed"),
        ("[file:name 'x']", 11, "comparison operator"),
        ("[file:name = ]", 13, "a constant"),
        ("[file name = 'x']", 6, "`:` after the object type"),
        ("[file:name = 'x'] AND", 21, "`[` or `(`"),
        (
            "[file:name = 'x'] WITHIN SECONDS",
            25,
            "a number of seconds",
        ),
        ("[file:name = 'x'] REPEATS 2", 27, "`TIMES`"),
        (
            "[file:name = 'x'] START t'2016-01-01t00:00:00Z' STOP t'2016-03-01T00:00:00Z'",
            24,
            "not a timestamp",
        ),
        (
            "[file:name = 'x'] START t'2016-02-30' STOP t'2016-03-01T00:00:00Z'",
            24,
            "not a timestamp",
        ),
        ("[file:name LIKE 5]", 16, "compares with a string"),
        ("[file:size > true]", 13, "no order"),
        ("[file:name = h'abc']", 13, "pairs of hexadecimal"),
        ("[file:name = b'!!!']", 13, "base64"),
        ("[file:size = 007]", 13, "leading zero"),
        ("[file:some-prop = 1]", 6, "quoted"),
        (
            "[file:name = 'x'] [url:value = 'y']",
            18,
            "`AND`, `OR`, `FOLLOWEDBY`",
        ),
        ("[file:name = 'a\\b']", 15, "escapes only"),
    ];
    for (p, at, needle) in cases {
        match parse(p) {
            Ok(o) => panic!("{p} parsed: {o:?}"),
            Err(e) => {
                assert!(e.message.contains(needle), "{p}: {e}");
                assert_eq!(e.position, at, "{p}: {e}");
            }
        }
    }
}

#[test]
fn work_is_bounded() {
    let deep = format!("{}[a:b = 1]{}", "(".repeat(200), ")".repeat(200));
    assert!(parse(&deep).unwrap_err().message.contains("nested deeper"));
    let long = format!("[a:b IN ({})]", vec!["1"; 40_000].join(","));
    assert!(parse(&long).unwrap_err().message.contains("at most"));
}

/// One observation of the given objects, by key.
fn observed(objects: serde_json::Value) -> crate::observed::Observed {
    crate::observed::Observed {
        id: "observed-data--00000000-0000-4000-8000-000000000000".into(),
        first: 0,
        last: 0,
        count: 1,
        objects: objects
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

fn holds(pattern: &str, obs: &crate::observed::Observed) -> bool {
    let c = crate::compile::Compiled::new(&parse(pattern).unwrap()).unwrap();
    assert_eq!(c.leaves.len(), 1, "{pattern}: one observation expression");
    c.leaf_holds(0, obs).unwrap()
}

#[test]
fn comparisons_hold_on_an_observation_as_the_specification_says() {
    let obs = observed(serde_json::json!({
        "0": {"type": "file", "name": "setup_v2.exe", "size": 371712,
              "hashes": {"SHA-256": "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f", "MD5": "79054025255fb1a26e4bc422aef54eb4"},
              "magic_number_hex": "FFD8", "payload_bin": "dGhpcyBpcyBhIHRlc3Q=",
              "parent_directory_ref": "1", "created": "2014-01-13T07:03:17Z"},
        "1": {"type": "directory", "path": "C:\\Windows\\System32"},
        "2": {"type": "ipv4-addr", "value": "198.51.100.7"},
        "3": {"type": "network-traffic", "dst_ref": "2", "dst_port": 443, "protocols": ["ipv4", "tcp"], "src_refs": ["2"]},
        "4": {"type": "ipv6-addr", "value": "2001:db8:dead:beef::1"},
    }));
    let yes = [
        "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
        "[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4' AND file:size = 371712]",
        "[file:name LIKE 'setup%.exe']",
        "[file:name LIKE 'setup_v_.exe']",
        "[file:name MATCHES '^setup_v[0-9]+\\\\.exe$']",
        "[file:parent_directory_ref.path = 'C:\\\\Windows\\\\System32']",
        "[file:magic_number_hex = h'ffd8']",
        "[file:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']",
        "[file:created = t'2014-01-13T07:03:17Z']",
        "[file:created < t'2015-01-01T00:00:00Z']",
        "[file:size > 300000 AND file:size <= 371712]",
        "[file:size IN (1, 371712)]",
        "[file:size NOT IN (1, 2)]",
        "[file:name != 'other.exe']",
        "[file:name NOT = 'other.exe']",
        "[EXISTS file:hashes.MD5]",
        "[network-traffic:dst_ref.value ISSUBSET '198.51.100.0/24']",
        "[network-traffic:dst_ref.value = '198.51.100.7' AND network-traffic:dst_port = 443]",
        "[network-traffic:protocols[*] = 'tcp']",
        "[network-traffic:protocols[0] = 'ipv4']",
        "[network-traffic:src_refs[*].value = '198.51.100.7']",
        "[ipv4-addr:value = '203.0.113.1' OR file:name = 'setup_v2.exe']",
        "[ipv6-addr:value ISSUBSET '2001:db8:dead:beef::/64']",
        "[ipv4-addr:value NOT ISSUBSET '10.0.0.0/8']",
    ];
    for p in yes {
        assert!(holds(p, &obs), "{p} should hold");
    }
    let no = [
        "[file:name = 'other.exe']",
        "[file:name LIKE 'setup%.dll']",
        "[file:size < 100]",
        "[file:size IN (1, 2)]",
        "[EXISTS file:hashes.'SHA-1']",
        "[network-traffic:dst_ref.value ISSUBSET '198.51.101.0/24']",
        "[network-traffic:protocols[1] = 'ipv4']",
        "[network-traffic:protocols[*] = 'udp']",
        "[url:value = 'http://example.com']",
        "[file:size = 'a string']",
        "[ipv6-addr:value ISSUBSET '2001:db8:dead:bee0::/64']",
    ];
    for p in no {
        assert!(!holds(p, &obs), "{p} should not hold");
    }
    // AND holds on one and the same object.
    let two_files = observed(serde_json::json!({
        "0": {"type": "file", "name": "a.exe", "size": 1},
        "1": {"type": "file", "name": "b.exe", "size": 2},
    }));
    assert!(holds("[file:name = 'a.exe' AND file:size = 1]", &two_files));
    assert!(!holds(
        "[file:name = 'a.exe' AND file:size = 2]",
        &two_files
    ));
    assert!(holds("[file:name = 'a.exe' OR file:size = 2]", &two_files));
    // What the reference grammar accepts and its matcher refuses parses, and is refused when
    // compiled, saying why.
    for (p, why) in [
        ("[file:size IN (1, 'a')]", "more than one kind"),
        ("[file:name = 'x'] WITHIN 0 SECONDS", "longer than 0"),
        ("[file:name = 'x'] REPEATS 0 TIMES", "at least once"),
    ] {
        let e = crate::compile::Compiled::new(&parse(p).unwrap()).unwrap_err();
        assert!(e.contains(why), "{p}: {e}");
    }
    // AND across types parses and holds on no object.
    assert!(!holds(
        "[file:name = 'a.exe' AND ipv4-addr:value = '198.51.100.7']",
        &obs
    ));
    // An expression that is not one cannot be matched, and says why.
    let e = crate::compile::Compiled::new(&parse("[file:name MATCHES '(unclosed']").unwrap())
        .unwrap_err();
    assert!(e.contains("MATCHES '(unclosed'"), "{e}");
}
