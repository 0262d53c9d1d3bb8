//! The web UI against a real node process: signing in (CSRF, wrong passwords, cookie attributes),
//! every page in each of the three languages with no missing catalogue key, the security headers,
//! hostile names and descriptions escaped, an invisible object answering the page of an absent
//! one, and a joint warning taken from draft to submission through the forms.

use crate::helpers::*;
use entente_core::marking::{TLP_AMBER, TLP_GREEN};
use reqwest::header::{HeaderMap, COOKIE, LOCATION, SET_COOKIE};
use serde_json::json;

/// A browser's part, by hand: the cookies a node set, sent back; redirects not followed.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: Vec<(String, String)>,
}

impl Browser {
    fn new(node: &TestNode) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: node.base_url().trim_end_matches('/').to_owned(),
            cookies: Vec::new(),
        }
    }

    fn keep(&mut self, headers: &HeaderMap) {
        for v in headers.get_all(SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (pair, _) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            if !val.is_empty() {
                self.cookies.push((k.to_owned(), val.to_owned()));
            }
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn get(&mut self, path: &str, lang: &str) -> (u16, HeaderMap, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .header("Accept-Language", lang)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        self.keep(&headers);
        (status, headers, r.text().await.unwrap())
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> (u16, HeaderMap, String) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        self.keep(&headers);
        (status, headers, r.text().await.unwrap())
    }

    /// The value of the first hidden `csrf` field of a page.
    fn csrf(html: &str) -> String {
        let at = html
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("no csrf in {html}"))
            + 19;
        html[at..at + html[at..].find('"').unwrap()].to_owned()
    }

    async fn sign_in(&mut self, name: &str, password: &str) -> u16 {
        let (_, _, page) = self.get("/signin", "en").await;
        let csrf = Self::csrf(&page);
        let (status, headers, _) = self
            .post(
                "/signin",
                &[
                    ("csrf", &csrf),
                    ("name", name),
                    ("password", password),
                    ("next", "/"),
                ],
            )
            .await;
        if status == 303 {
            assert_eq!(headers[LOCATION], "/");
        }
        status
    }
}

const PAGES: [&str; 20] = [
    "/",
    "/intel",
    "/intel/new",
    "/warnings",
    "/warnings/new",
    "/consultations",
    "/consultations/new",
    "/exercises",
    "/exercises/new",
    "/decisions",
    "/decisions/new",
    "/charter",
    "/programmes",
    "/programmes/new",
    "/register",
    "/screen?name=%D0%9C%D0%BE%D1%80%D0%B3%D1%83%D0%BB%D0%BE%D0%B2",
    "/map",
    "/federation",
    "/audit",
    "/admin",
];

#[tokio::test]
async fn the_ui_signs_in_renders_every_page_in_three_languages_and_escapes_what_it_shows() {
    let cn = signer("CN");
    let node = TestNode::start(&charter_with_key("CN", &cn), "KZ").await;
    let admin = node.add_user("admin1", "admin");
    let analyst = node.add_user("analyst1", "analyst");
    let mut b = Browser::new(&node);

    // Signed out, a page sends to the sign-in page and comes back after.
    let (status, headers, _) = b.get("/warnings", "en").await;
    assert_eq!(status, 303);
    assert_eq!(headers[LOCATION], "/signin?next=/warnings");

    // A sign-in without the form's token, or with a wrong password, is refused.
    let (status, _, page) = b
        .post(
            "/signin",
            &[
                ("csrf", "x"),
                ("name", "admin1"),
                ("password", &admin.password),
            ],
        )
        .await;
    assert_eq!(status, 403, "{page}");
    assert_eq!(b.sign_in("admin1", "wrong").await, 401);
    assert_eq!(b.sign_in("nobody", "wrong").await, 401);
    assert_eq!(b.sign_in("admin1", &admin.password).await, 303);
    let (name, _) = b
        .cookies
        .iter()
        .find(|(k, _)| k == "__Host-entente")
        .unwrap();
    assert_eq!(name, "__Host-entente");

    // Hostile content: a script in a name, quotes that would break an attribute, a javascript:
    // link and a right-to-left override; none reaches the page as markup.
    let hostile = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)> javascript:alert(3) \u{202e}gnp.exe";
    node.post_ok(
        &admin.token,
        &[
            json!({
                "type": "threat-actor", "spec_version": "2.1",
                "id": "threat-actor--00000000-0000-4000-8000-0000000000aa",
                "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
                "name": hostile, "description": hostile, "threat_actor_types": ["terrorist"],
                "object_marking_refs": [TLP_GREEN],
            }),
            json!({
                "type": "malware", "spec_version": "2.1",
                "id": "malware--00000000-0000-4000-8000-0000000000ab",
                "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
                "name": "Loader", "is_family": true, "object_marking_refs": [TLP_GREEN],
            }),
            json!({
                "type": "relationship", "spec_version": "2.1",
                "id": "relationship--00000000-0000-4000-8000-0000000000ac",
                "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
                "relationship_type": "uses",
                "source_ref": "threat-actor--00000000-0000-4000-8000-0000000000aa",
                "target_ref": "malware--00000000-0000-4000-8000-0000000000ab",
                "object_marking_refs": [TLP_GREEN],
            }),
            json!({
                "type": "report", "spec_version": "2.1",
                "id": "report--00000000-0000-4000-8000-0000000000ad",
                "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
                "name": "Quarterly review", "published": "2026-01-01T00:00:00.000Z",
                "report_types": ["threat-report"],
                "object_refs": ["threat-actor--00000000-0000-4000-8000-0000000000aa"],
                "object_marking_refs": [TLP_GREEN],
            }),
        ],
    )
    .await;

    for path in PAGES {
        for lang in ["en", "ru", "zh"] {
            let (status, headers, page) = b.get(path, lang).await;
            assert_eq!(status, 200, "{path} {lang}: {page}");
            assert!(
                !page.contains('⟦'),
                "{path} {lang} renders a missing key: {page}"
            );
            assert!(
                page.contains(&format!("<html lang=\"{lang}\">")),
                "{path} {lang}"
            );
            let csp = headers["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
            assert!(!csp.contains("unsafe-inline"));
            assert_eq!(headers["cache-control"], "no-store");
            assert!(!page.contains("<script>alert"), "{path}");
            assert!(!page.contains("<img"), "{path}");
        }
    }
    let (_, _, page) = b
        .get(
            "/intel/threat-actor--00000000-0000-4000-8000-0000000000aa",
            "en",
        )
        .await;
    assert!(
        page.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{page}"
    );
    assert!(
        page.contains("<bdi>"),
        "names are isolated from the text around them"
    );
    assert!(!page.contains("href=\"javascript:"));
    // What points to the actor: the relationship (its type, the malware at its other end) and
    // the report that names it; and from the malware's side, the same relationship.
    assert!(page.contains("Pointing here"), "{page}");
    assert!(page.contains("<code>uses</code>"), "{page}");
    assert!(page.contains("href=\"/intel/malware--00000000-0000-4000-8000-0000000000ab\""));
    assert!(page.contains("Quarterly review"), "{page}");
    let (_, _, page) = b
        .get("/intel/malware--00000000-0000-4000-8000-0000000000ab", "ru")
        .await;
    assert!(page.contains("Ссылаются сюда"), "{page}");
    assert!(page.contains("href=\"/intel/threat-actor--00000000-0000-4000-8000-0000000000aa\""));

    // The audit page: the latest signed tree head verifies; the whole log verifies on request;
    // the filters keep the entries of one action.
    let (_, _, page) = b.get("/audit?action=read-objects", "en").await;
    assert!(page.contains("verifies against the key of KZ"), "{page}");
    assert!(page.contains("read-objects"));
    assert!(
        !page.contains("<bdi>add-objects</bdi>"),
        "filtered by action"
    );
    let csrf = Browser::csrf(&page);
    let (status, _, page) = b.post("/audit/verify", &[("csrf", &csrf)]).await;
    assert_eq!(status, 200);
    assert!(page.contains("The log verifies"), "{page}");

    // An admin issues a token for the analyst, shown once, that the API then takes; revoking it
    // ends it at the next request.
    let (_, _, page) = b.get("/admin", "en").await;
    let csrf = Browser::csrf(&page);
    let (status, _, page) = b
        .post("/admin/users/analyst1/tokens", &[("csrf", &csrf)])
        .await;
    assert_eq!(status, 200, "{page}");
    let at = page.find("<code>ent_").expect("the token, shown once") + 6;
    let token = page[at..at + page[at..].find('<').unwrap()].to_owned();
    let api = |t: String| {
        let url = format!("{}api/v1/warnings", node.base_url());
        async move {
            reqwest::Client::new()
                .get(url)
                .bearer_auth(t)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(api(token.clone()).await, 200);
    let (status, _, _) = b
        .post("/admin/users/analyst1/tokens/revoke", &[("csrf", &csrf)])
        .await;
    assert_eq!(status, 303);
    assert_eq!(api(token).await, 401);
    let (_, _, page) = b.get("/audit?action=token-new", "en").await;
    assert!(page.contains("<bdi>token-new</bdi>"), "{page}");

    // A TLP:RED note shared through the form names its users; the admin sees it.
    let (_, _, page) = b.get("/intel/new", "en").await;
    let csrf = Browser::csrf(&page);
    let (status, headers, page) = b
        .post(
            "/intel/new",
            &[
                ("csrf", &csrf),
                ("kind", "note"),
                ("name", "Source reporting"),
                ("text", "Couriers crossing at the Tajik border."),
                ("marking", "TLP:RED"),
                ("audience_users", "KZ:admin1, UZ:liaison1"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{page}");
    let at = headers[LOCATION].to_str().unwrap().to_owned();
    let (_, _, page) = b.get(&at, "en").await;
    assert!(
        page.contains("TLP:RED") && page.contains("UZ:liaison1"),
        "{page}"
    );

    // Each kind the share form offers is stored (a report with its text as a note it refers to).
    for (kind, pattern) in [
        ("report", ""),
        ("indicator", "[ipv4-addr:value = '198.51.100.7']"),
        ("threat-actor", ""),
        ("note", ""),
    ] {
        let (status, headers, page) = b
            .post(
                "/intel/new",
                &[
                    ("csrf", &csrf),
                    ("kind", kind),
                    ("name", "Shared from the form"),
                    ("text", "What was seen."),
                    ("pattern", pattern),
                    ("marking", "TLP:GREEN"),
                    ("audience_tiers", "member"),
                ],
            )
            .await;
        assert_eq!(status, 303, "{kind}: {page}");
        assert!(headers[LOCATION]
            .to_str()
            .unwrap()
            .starts_with(&format!("/intel/{kind}--")));
    }

    // The language chosen wins over Accept-Language.
    let (status, _, _) = b.get("/lang/ru?back=/warnings", "en").await;
    assert_eq!(status, 303);
    let (_, _, page) = b.get("/warnings", "en").await;
    assert!(page.contains("Совместные оповещения"));
    let (status, headers, _) = b.get("/lang/zh?back=//evil.example/", "en").await;
    assert_eq!(status, 303);
    assert_eq!(headers[LOCATION], "/", "no open redirect");
    b.get("/lang/en?back=/", "en").await;

    // A form without the session's token is refused, and changes nothing.
    let (status, _, _) = b.post("/warnings/new", &[("title", "x")]).await;
    assert_eq!(status, 403);

    // An object the user may not see answers the page of one that does not exist.
    // A note of China's, addressed to a user of China's: stored here, seen by no one here.
    let mut secret = note(0xbb, TLP_AMBER).as_object().unwrap().clone();
    secret.insert(
        "extensions".into(),
        json!({entente_stix::extension::ENTENTE_EXTENSION: {
            "extension_type": "property-extension", "audience": {"users": ["CN:liaison1"]}}}),
    );
    cn.sign_object(&mut secret).unwrap();
    let secret = serde_json::Value::Object(secret);
    node.post_ok(&admin.token, &[secret]).await;
    let mut a = Browser::new(&node);
    assert_eq!(a.sign_in("analyst1", &analyst.password).await, 303);
    let (s1, _, invisible) = a
        .get("/intel/note--00000000-0000-4000-8000-000000000187", "en")
        .await;
    let (s2, _, absent) = a
        .get("/intel/note--00000000-0000-4000-8000-0000000000cc", "en")
        .await;
    assert_eq!((s1, s2), (404, 404));
    // Alike but for the id in the language links back to the page itself.
    assert_eq!(
        invisible.replace("000000000187", "ID"),
        absent.replace("0000000000cc", "ID")
    );
    let (status, _, _) = a.get("/admin", "en").await;
    assert_eq!(status, 403, "an analyst is not shown the users");

    // A warning drafted through the form, then submitted by a supervisor through its page.
    let (_, _, page) = a.get("/warnings/new", "en").await;
    let csrf = Browser::csrf(&page);
    let (status, headers, page) = a
        .post(
            "/warnings/new",
            &[
                ("csrf", &csrf),
                ("kind", "wanted"),
                ("title", "Wanted: Arman Seitkali"),
                ("names", "Arman Seitkali\nСейткали Арман"),
                ("legal_basis", "Criminal Code, art. 255"),
                ("issuing_authority", "KNB"),
                ("action_requested", "Detain and inform"),
                ("contact", "duty officer"),
                ("purpose", "arrest"),
                ("source", "investigation"),
                ("review_date", "2027-06-01"),
                ("grading_source", "B"),
                ("grading_information", "2"),
                ("marking", "TLP:AMBER"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{page}");
    let at = headers[LOCATION].to_str().unwrap().to_owned();
    assert!(at.starts_with("/warnings/x-entente-warning--"), "{at}");
    let (_, _, page) = a.get(&at, "ru").await;
    assert!(page.contains("Сейткали Арман"));
    // The analyst revises the draft: the form comes filled from it, and what it does not show
    // (the handling code) is kept.
    assert!(page.contains(&format!("href=\"{at}/revise\"")), "{page}");
    let (status, _, page) = a.get(&format!("{at}/revise"), "en").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("value=\"Wanted: Arman Seitkali\""), "{page}");
    assert!(page.contains("Arman Seitkali\nСейткали Арман"), "{page}");
    assert!(page.contains("value=\"2027-06-01\""), "{page}");
    assert!(
        page.contains("<option value=\"wanted\" selected>"),
        "{page}"
    );
    let csrf = Browser::csrf(&page);
    let revised = [
        ("csrf", csrf.as_str()),
        ("kind", "wanted"),
        ("title", "Wanted: Arman Seitkali (revised)"),
        ("names", "Arman Seitkali\nСейткали Арман\nArman Seytkali"),
        ("legal_basis", "Criminal Code, art. 255"),
        ("issuing_authority", "KNB"),
        ("action_requested", "Detain and inform"),
        ("contact", "duty officer"),
        ("purpose", "arrest"),
        ("source", "investigation"),
        ("review_date", "2027-06-01"),
        ("grading_source", "B"),
        ("grading_information", "2"),
        ("marking", "TLP:AMBER"),
    ];
    let (status, headers, page) = a.post(&format!("{at}/revise"), &revised).await;
    assert_eq!(status, 303, "{page}");
    assert_eq!(headers[LOCATION].to_str().unwrap(), at);
    let (_, _, page) = a.get(&at, "en").await;
    assert!(page.contains("Wanted: Arman Seitkali (revised)"), "{page}");
    assert!(page.contains("Arman Seytkali"), "{page}");
    // A revision that would change the kind is refused, saying why, and nothing changes.
    let mut other = revised;
    other[1] = ("kind", "watch");
    let (status, _, page) = a.post(&format!("{at}/revise"), &other).await;
    assert_eq!(status, 400, "{page}");
    assert!(
        !page.contains(&format!("action=\"{at}/submit\"")),
        "an analyst may not submit"
    );
    let supervisor = node.add_user("supervisor1", "supervisor");
    let mut s = Browser::new(&node);
    assert_eq!(s.sign_in("supervisor1", &supervisor.password).await, 303);
    let (_, _, page) = s.get(&at, "en").await;
    assert!(page.contains(&format!("action=\"{at}/submit\"")), "{page}");
    let csrf = Browser::csrf(&page);
    let (status, _, _) = s.post(&format!("{at}/submit"), &[("csrf", &csrf)]).await;
    assert_eq!(status, 303);
    let (_, _, page) = s.get(&at, "zh").await;
    assert!(page.contains("已提交"), "{page}");
    // The same step again is refused in the user's language, saying why.
    let (status, _, page) = s.post(&format!("{at}/submit"), &[("csrf", &csrf)]).await;
    assert_eq!(status, 409, "{page}");
    assert!(
        page.contains("This step is not possible in the warning"),
        "{page}"
    );

    // The supervisor designates an entry through the register's form, screening finds it, and
    // the supervisor delists it; an analyst's form only proposes.
    let (_, _, page) = s.get("/register", "en").await;
    let csrf = Browser::csrf(&page);
    let (status, _, page) = s
        .post(
            "/register",
            &[
                ("csrf", &csrf),
                ("kind", "person"),
                ("names", "Timur Abdullaev\nАбдуллаев Тимур"),
                ("birth_dates", "1979-03"),
                ("nationalities", "uz"),
                ("marking", "TLP:GREEN"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{page}");
    let (_, _, page) = s.get("/screen?name=%D0%90%D0%B1%D0%B4%D1%83%D0%BB%D0%BB%D0%B0%D0%B5%D0%B2+%D0%A2%D0%B8%D0%BC%D1%83%D1%80", "en").await;
    assert!(page.contains("Timur Abdullaev"), "{page}");
    // An organization listed in English is found from its Russian name, and the explanation
    // says which words were translated, in the user's language.
    let (status, _, page) = s
        .post(
            "/register",
            &[
                ("csrf", &csrf),
                ("kind", "organization"),
                ("names", "Islamic Movement of Uzbekistan"),
                ("marking", "TLP:GREEN"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{page}");
    let (_, _, page) = s
        .get(
            "/screen?name=%D0%98%D1%81%D0%BB%D0%B0%D0%BC%D1%81%D0%BA%D0%BE%D0%B5+%D0%B4%D0%B2%D0%B8%D0%B6%D0%B5%D0%BD%D0%B8%D0%B5+%D0%A3%D0%B7%D0%B1%D0%B5%D0%BA%D0%B8%D1%81%D1%82%D0%B0%D0%BD%D0%B0",
            "ru",
        )
        .await;
    assert!(page.contains("Islamic Movement of Uzbekistan"), "{page}");
    assert!(page.contains("перевод (movement)"), "{page}");
    let (_, _, page) = s.get("/register", "en").await;
    let at = page
        .find("/delist\"")
        .expect("a delist form for the supervisor");
    let start = page[..at].rfind("action=\"").unwrap() + 8;
    let delist = page[start..at + 7].to_owned();
    let (status, _, page) = s
        .post(&delist, &[("csrf", &csrf), ("reason", "listed in error")])
        .await;
    assert_eq!(status, 303, "{page}");
    let (_, _, page) = s.get("/register", "en").await;
    assert!(page.contains("delisted"), "{page}");
    let (_, _, page) = a.get("/register", "en").await;
    assert!(
        !page.contains("/delist\""),
        "an analyst is offered no delisting"
    );
    assert!(page.contains("Propose an entry"));
    let (status, _, page) = s
        .post(
            "/register",
            &[("csrf", &csrf), ("kind", "ship"), ("names", "X")],
        )
        .await;
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("must be `person` or `organization`"),
        "the rule's own words: {page}"
    );

    // Signing out ends the session on the node, not only in the browser.
    let (_, _, page) = s.get("/", "en").await;
    let csrf = Browser::csrf(&page);
    let session = s.cookies.clone();
    let (status, _, _) = s.post("/signout", &[("csrf", &csrf)]).await;
    assert_eq!(status, 303);
    s.cookies = session;
    let (status, headers, _) = s.get("/", "en").await;
    assert_eq!(status, 303);
    assert_eq!(headers[LOCATION], "/signin?next=/");
}

/// The value of the `Location` a form answered with.
fn location(headers: &HeaderMap) -> String {
    headers[LOCATION].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_decision_is_proposed_voted_on_and_withdrawn_through_the_forms() {
    let cn = signer("CN");
    let node = TestNode::start(&charter_with_key("CN", &cn), "KZ").await;
    let supervisor = node.add_user("sup1", "supervisor");
    let analyst = node.add_user("analyst1", "analyst");
    let mut b = Browser::new(&node);
    assert_eq!(b.sign_in("sup1", &supervisor.password).await, 303);

    // The proposal form, posted: a statement by consensus of the eight members.
    let (_, _, page) = b.get("/decisions/new", "en").await;
    assert!(
        page.contains("A silence procedure runs at least 72 hours."),
        "{page}"
    );
    let csrf = Browser::csrf(&page);
    let deadline = chrono::Utc::now() + chrono::Duration::days(2);
    let deadline = deadline.format("%Y-%m-%dT%H:%M").to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("title", "Statement on the <Astana> declaration"),
        ("description", "The council welcomes it."),
        ("procedure", "consensus"),
        ("deadline", deadline.as_str()),
        ("kind", "statement"),
    ];
    let (status, headers, page) = b.post("/decisions/new", &form).await;
    assert_eq!(status, 303, "{page}");
    let at = location(&headers);
    assert!(at.starts_with("/decisions/x-entente-decision--"), "{at}");

    // KZ's ballot, then its replacement with a statement; the page shows the tally and that the
    // first was replaced.
    let (_, _, page) = b.get(&at, "en").await;
    assert!(
        page.contains("Statement on the &#60;Astana&#62; declaration"),
        "{page}"
    );
    assert!(page.contains("Cast your state"), "{page}");
    assert!(
        page.contains("<svg class=\"chart\""),
        "the tally as a chart"
    );
    let csrf = Browser::csrf(&page);
    let (status, _, _) = b
        .post(
            &format!("{at}/ballot"),
            &[("csrf", &csrf), ("vote", "approve"), ("statement", "")],
        )
        .await;
    assert_eq!(status, 303);
    let (_, _, page) = b.get(&at, "en").await;
    assert!(page.contains("Replace your state"), "{page}");
    let csrf = Browser::csrf(&page);
    let statement = [
        ("csrf", csrf.as_str()),
        ("vote", "abstain"),
        ("statement", "Kazakhstan abstains pending translation."),
    ];
    assert_eq!(b.post(&format!("{at}/ballot"), &statement).await.0, 303);
    let (_, _, page) = b.get(&at, "en").await;
    assert!(page.contains("replaced by a later ballot"), "{page}");
    assert!(
        page.contains("Kazakhstan abstains pending translation."),
        "{page}"
    );
    assert!(page.contains(">open<"), "{page}");
    let (_, _, page) = b.get(&at, "ru").await;
    assert!(page.contains("воздержался"), "{page}");

    // A vote that is not one is refused with the reason; the proposer withdraws the decision.
    let csrf = Browser::csrf(&page);
    let (status, _, _) = b
        .post(
            &format!("{at}/ballot"),
            &[("csrf", &csrf), ("vote", "maybe"), ("statement", "")],
        )
        .await;
    assert_eq!(status, 400);
    let (_, _, page) = b.get(&at, "en").await;
    let csrf = Browser::csrf(&page);
    let (status, _, page) = b
        .post(
            &format!("{at}/withdraw"),
            &[("csrf", &csrf), ("reason", "")],
        )
        .await;
    assert_eq!(status, 400, "a withdrawal says why: {page}");
    let withdraw = [
        ("csrf", csrf.as_str()),
        ("reason", "Superseded by the summit text."),
    ];
    assert_eq!(b.post(&format!("{at}/withdraw"), &withdraw).await.0, 303);
    let (_, _, page) = b.get(&at, "zh").await;
    assert!(page.contains("已撤回"), "{page}");
    assert!(!page.contains("/ballot\""), "no more ballot form: {page}");
    let (_, _, page) = b.get("/decisions?status=withdrawn", "en").await;
    assert!(page.contains("1 decision"), "{page}");

    // The charter in effect: the presidency for this year, the parties and their tiers; a member
    // state does not apply.
    let (_, _, page) = b.get("/charter", "ru").await;
    assert!(page.contains("Председательствует"), "{page}");
    assert!(page.contains("наблюдатель"), "{page}");
    assert!(!page.contains("action=\"/applications\""), "{page}");

    // An analyst neither proposes nor votes: the forms are not offered, and a post is refused.
    let mut a = Browser::new(&node);
    assert_eq!(a.sign_in("analyst1", &analyst.password).await, 303);
    let (_, _, page) = a.get("/decisions", "en").await;
    assert!(!page.contains("href=\"/decisions/new\""), "{page}");
}

/// Proposes adopting `what` (`document` or `programme` `id`) by a silence procedure of two
/// seconds (the test charter sets no minimum), and waits for it to run out.
async fn adopt_by_silence(b: &mut Browser, what: &str, id: &str) {
    let (_, _, page) = b.get(&format!("/decisions/new?{what}={id}"), "en").await;
    let csrf = Browser::csrf(&page);
    let deadline = (chrono::Utc::now() + chrono::Duration::seconds(2))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let kind = format!("adopt-{what}");
    let field = format!("{what}_ref");
    let form = [
        ("csrf", csrf.as_str()),
        ("title", "Adoption"),
        ("procedure", "silence"),
        ("deadline", deadline.as_str()),
        ("kind", kind.as_str()),
        (field.as_str(), id),
    ];
    let (status, _, page) = b.post("/decisions/new", &form).await;
    assert_eq!(status, 303, "{page}");
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
}

#[tokio::test]
async fn documents_and_a_facility_are_drafted_adopted_signed_and_recorded_through_the_forms() {
    let cn = signer("CN");
    let charter = format!(
        "{}\n[decisions]\nmin_silence_hours = 0\n",
        charter_with_key("CN", &cn)
    );
    let node = TestNode::start(&charter, "KZ").await;
    let supervisor = node.add_user("sup1", "supervisor");
    let mut b = Browser::new(&node);
    assert_eq!(b.sign_in("sup1", &supervisor.password).await, 303);

    // A convention in three languages, brought into force by one ratification.
    let (_, _, page) = b.get("/programmes/new", "en").await;
    let csrf = Browser::csrf(&page);
    let form = [
        ("csrf", csrf.as_str()),
        ("what", "document"),
        ("kind", "convention"),
        ("title_en", "Convention on Countering Extremism"),
        ("title_ru", "Конвенция по противодействию экстремизму"),
        ("title_zh", "反极端主义公约"),
        ("text_en", "Article 1."),
        ("text_ru", "Статья 1."),
        ("text_zh", "第一条。"),
        ("ratifications_required", "1"),
    ];
    let (status, headers, page) = b.post("/programmes/new", &form).await;
    assert_eq!(status, 303, "{page}");
    let doc = location(&headers);
    let doc_id = doc.trim_start_matches("/documents/").to_owned();
    let (_, _, page) = b.get(&doc, "ru").await;
    assert!(
        page.contains("Конвенция по противодействию экстремизму"),
        "{page}"
    );
    assert!(page.contains("проект"), "{page}");
    adopt_by_silence(&mut b, "document", &doc_id).await;
    let (_, _, page) = b.get(&doc, "en").await;
    assert!(page.contains("open for signature"), "{page}");
    let csrf = Browser::csrf(&page);
    let (status, _, page) = b.post(&format!("{doc}/sign"), &[("csrf", &csrf)]).await;
    assert_eq!(status, 303, "{page}");
    let (_, _, page) = b.get(&doc, "en").await;
    let csrf = Browser::csrf(&page);
    assert_eq!(
        b.post(&format!("{doc}/ratify"), &[("csrf", &csrf)]).await.0,
        303
    );
    let (_, _, page) = b.get(&doc, "zh").await;
    assert!(page.contains("已生效"), "{page}");

    // A facility of 10 billion dollars, KZ's to provide; 7.4 billion committed to Tajikistan.
    let (_, _, page) = b.get("/programmes/new", "en").await;
    let csrf = Browser::csrf(&page);
    let form = [
        ("csrf", csrf.as_str()),
        ("what", "programme"),
        ("kind", "facility"),
        ("title_en", "Loan facility"),
        ("total", "10000000000.00"),
        ("currency", "usd"),
    ];
    let (status, headers, page) = b.post("/programmes/new", &form).await;
    assert_eq!(status, 303, "{page}");
    let prog = location(&headers);
    let prog_id = prog.trim_start_matches("/programmes/").to_owned();
    adopt_by_silence(&mut b, "programme", &prog_id).await;
    let (_, _, page) = b.get(&prog, "en").await;
    assert!(page.contains("Commit an amount"), "{page}");
    let csrf = Browser::csrf(&page);
    let commit = [
        ("csrf", csrf.as_str()),
        ("project", "Dushanbe bypass"),
        ("beneficiary", "tj"),
        ("amount", "7,400,000,000"),
    ];
    assert_eq!(b.post(&format!("{prog}/commit"), &commit).await.0, 303);
    let too_much = [
        ("csrf", csrf.as_str()),
        ("project", "More"),
        ("beneficiary", "KG"),
        ("amount", "2600000000.01"),
    ];
    assert_eq!(b.post(&format!("{prog}/commit"), &too_much).await.0, 409);
    let (_, _, page) = b.get(&prog, "en").await;
    assert!(page.contains("7400000000.00 USD"), "{page}");
    assert!(page.contains("<svg class=\"chart\""), "{page}");
    let (_, _, page) = b.get("/programmes", "ru").await;
    assert!(page.contains("механизм финансирования"), "{page}");
    assert!(
        page.contains("7400000000.00 / 10000000000.00 USD"),
        "{page}"
    );
}

#[tokio::test]
async fn a_request_for_assistance_is_made_through_its_form() {
    let cn = signer("CN");
    let node = TestNode::start(&charter_with_key("CN", &cn), "KZ").await;
    let supervisor = node.add_user("sup1", "supervisor");
    let mut b = Browser::new(&node);
    assert_eq!(b.sign_in("sup1", &supervisor.password).await, 303);
    let (_, _, page) = b.get("/consultations/new", "en").await;
    let csrf = Browser::csrf(&page);
    let form = [
        ("csrf", csrf.as_str()),
        ("title", "Attack on the <Karaganda> grid"),
        ("situation", "Two substations sabotaged."),
        ("place", "Karaganda"),
        ("country", "kz"),
        ("help", "experts"),
        ("help", "equipment"),
        ("urgency", "immediate"),
    ];
    let (status, headers, page) = b.post("/consultations/new", &form).await;
    assert_eq!(status, 303, "{page}");
    let at = location(&headers);
    let (_, _, page) = b.get(&at, "ru").await;
    assert!(
        page.contains("Attack on the &#60;Karaganda&#62; grid"),
        "{page}"
    );
    assert!(page.contains("запрошена"), "{page}");
    assert!(page.contains("эксперты, оборудование"), "{page}");
    // The timeline begins with the request.
    assert!(page.contains("Хронология"), "{page}");
    assert!(page.contains("KZ обратилось за помощью"), "{page}");
    // No help asked for is refused with the reason.
    let (_, _, page) = b.get("/consultations/new", "en").await;
    let csrf = Browser::csrf(&page);
    let bare = [
        ("csrf", csrf.as_str()),
        ("title", "t"),
        ("situation", "s"),
        ("place", "p"),
        ("urgency", "urgent"),
    ];
    let (status, _, page) = b.post("/consultations/new", &bare).await;
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("`help` names at least one kind of help"),
        "{page}"
    );
    let (_, _, page) = b.get("/consultations", "zh").await;
    assert!(page.contains("已请求"), "{page}");
}

/// An exercise planned through its form, with a state's after-action section and an item closed;
/// a bad date is refused with the reason.
#[tokio::test]
async fn an_exercise_is_planned_reported_and_its_item_closed_through_the_forms() {
    let cn = signer("CN");
    let node = TestNode::start(&charter_with_key("CN", &cn), "KZ").await;
    let supervisor = node.add_user("sup1", "supervisor");
    let mut b = Browser::new(&node);
    assert_eq!(b.sign_in("sup1", &supervisor.password).await, 303);
    let (_, _, page) = b.get("/exercises/new", "en").await;
    let csrf = Browser::csrf(&page);
    let plan = |starts: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("name", "Peace Mission <2010>".to_owned()),
            ("kind", "exercise".to_owned()),
            ("host", "kz".to_owned()),
            ("starts", starts.to_owned()),
            ("ends", "2010-09-25".to_owned()),
            ("scenario", "Free a town seized by armed groups.".to_owned()),
            ("objectives", "Joint command\nAir support".to_owned()),
            ("participants", "CN, RU".to_owned()),
            ("shared_with", "participants".to_owned()),
        ]
    };
    let bad = plan("2010-9-9");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, page) = b.post("/exercises/new", &bad).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("`starts` is a date: YYYY-MM-DD"), "{page}");
    let good = plan("2010-09-09");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, headers, page) = b.post("/exercises/new", &good).await;
    assert_eq!(status, 303, "{page}");
    let at = location(&headers);
    let (_, _, page) = b.get(&at, "ru").await;
    assert!(page.contains("Peace Mission &#60;2010&#62;"), "{page}");
    assert!(page.contains("завершены"), "{page}");
    assert!(page.contains("участники и секретариат"), "{page}");
    // KZ writes its section with an item, then closes the item.
    let csrf = Browser::csrf(&page);
    let (status, _, page) = b
        .post(
            &format!("{at}/report"),
            &[
                ("csrf", csrf.as_str()),
                ("summary", "Objectives met."),
                ("strengths", "Joint command."),
                ("improvements", "Radio links."),
                ("item_title", "Common radio frequencies"),
                ("item_owner", "Signals directorate"),
                ("item_due", "2011-03-01"),
                ("shared_with", "host"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{page}");
    let (_, _, page) = b.get("/exercises", "zh").await;
    assert!(page.contains("Common radio frequencies"), "{page}");
    assert!(page.contains("已逾期"), "{page}");
    // The dashboard lists the state's open items.
    let (_, _, page) = b.get("/", "en").await;
    assert!(page.contains("open improvement items</h3>"), "{page}");
    assert!(page.contains("id=\"our-items\""), "{page}");
    let (_, _, page) = b.get(&at, "en").await;
    assert!(page.contains("the host and the secretariat"), "{page}");
    let csrf = Browser::csrf(&page);
    let (status, _, page) = b
        .post(
            &format!("{at}/close-item"),
            &[("csrf", csrf.as_str()), ("item", "0")],
        )
        .await;
    assert_eq!(status, 303, "{page}");
    let (_, _, page) = b.get("/exercises", "en").await;
    assert!(page.contains("No open improvement items."), "{page}");
    let (_, _, page) = b.get("/", "en").await;
    assert!(!page.contains("id=\"our-items\""), "{page}");
}

/// An observation posted over TAXII that an indicator matches shows as a sighting on the
/// indicator's page, in three languages; observations are listed by their type; an indicator
/// whose pattern does not parse is refused through the form with the reason.
#[tokio::test]
async fn a_sighting_shows_on_its_indicators_page_and_a_bad_pattern_is_refused() {
    let node = TestNode::start(SCO, "KZ").await;
    let analyst = node.add_user("an1", "analyst");
    let indicator = "indicator--6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
    let green = TLP_GREEN;
    node.post_ok(
        &analyst.token,
        &[json!({
            "type": "indicator", "spec_version": "2.1", "id": indicator,
            "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
            "name": "Registration site of the summit, spoofed",
            "pattern": "[domain-name:value = 'sco-summit-registration.example']",
            "pattern_type": "stix", "valid_from": "2026-11-01T00:00:00Z",
            "object_marking_refs": [green],
        })],
    )
    .await;
    // The analyst follows the event stream while the observation comes in.
    let mut stream = reqwest::Client::new()
        .get(format!("{}api/v1/events", node.base_url()))
        .bearer_auth(&analyst.token)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let domain = "domain-name--1b2c3d4e-5f60-5718-8a9b-0c1d2e3f4a5b";
    let od = "observed-data--2c3d4e5f-6071-4829-9a0b-1c2d3e4f5a6b";
    node.post_ok(
        &analyst.token,
        &[
            json!({"type": "domain-name", "spec_version": "2.1", "id": domain, "value": "sco-summit-registration.example"}),
            json!({
                "type": "observed-data", "spec_version": "2.1", "id": od,
                "created": "2026-12-01T08:00:00.000Z", "modified": "2026-12-01T08:00:00.000Z",
                "first_observed": "2026-12-01T07:55:00Z", "last_observed": "2026-12-01T07:59:00Z",
                "number_observed": 2, "object_refs": [domain],
                "object_marking_refs": [green],
            }),
        ],
    )
    .await;
    let sightings = node
        .get_json(
            &analyst.token,
            &format!("{}?match[type]=sighting", node.objects_url()),
        )
        .await;
    let objects = sightings["objects"].as_array().cloned().unwrap_or_default();
    assert_eq!(objects.len(), 1, "{sightings}");
    let sighting = objects[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(objects[0]["sighting_of_ref"], indicator);
    // The sighting is an event on the stream: `sighting`, naming the indicator and the observation.
    let mut seen = String::new();
    let found = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while let Ok(Some(chunk)) = stream.chunk().await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains("event: sighting") && seen.contains(&sighting) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(found, Ok(true), "{seen}");
    assert!(seen.contains(indicator) && seen.contains(od), "{seen}");
    // The REST view of sightings; then an asset, a place inside its corridor, and its alert.
    let base = node.base_url();
    let v = node
        .get_json(&analyst.token, &format!("{base}api/v1/sightings"))
        .await;
    assert_eq!(v["sightings"][0]["indicator"], indicator, "{v}");
    assert_eq!(v["sightings"][0]["observed_data"], json!([od]), "{v}");
    let pipeline = "x-entente-asset--7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d";
    node.post_ok(
        &analyst.token,
        &[json!({
            "type": "x-entente-asset", "spec_version": "2.1", "id": pipeline,
            "created": "2026-10-01T00:00:00.000Z", "modified": "2026-10-01T00:00:00.000Z",
            "name": "Kazakhstan-China oil pipeline", "kind": "pipeline",
            "geometry": {"type": "LineString", "coordinates": [[74.9, 46.85], [77.9, 45.9]]},
            "corridor_m": 5000, "owners": ["KZ", "CN"], "criticality": "critical",
            "object_marking_refs": [green],
            "extensions": {"extension-definition--02767541-b696-5cd5-b7b5-2c3a31d53d2a": {"extension_type": "new-sdo"}},
        })],
    )
    .await;
    let place = "location--7b6c5d4e-3f2a-4b1c-8d9e-0f1a2b3c4d5e";
    node.post_ok(
        &analyst.token,
        &[json!({
            "type": "location", "spec_version": "2.1", "id": place,
            "created": "2026-12-01T03:00:00.000Z", "modified": "2026-12-01T03:00:00.000Z",
            "name": "Valve station", "latitude": 45.93, "longitude": 77.75,
            "object_marking_refs": [green],
        })],
    )
    .await;
    let v = node
        .get_json(&analyst.token, &format!("{base}api/v1/assets"))
        .await;
    assert_eq!(v["assets"][0]["id"], pipeline, "{v}");
    assert_eq!(v["assets"][0]["owners"], json!(["KZ", "CN"]), "{v}");
    let v = node
        .get_json(&analyst.token, &format!("{base}api/v1/alerts"))
        .await;
    assert_eq!(v["alerts"][0]["asset"], pipeline, "{v}");
    assert_eq!(v["alerts"][0]["incident"], place, "{v}");
    assert!(
        v["alerts"][0]["distance_m"].as_f64().unwrap() < 5000.0,
        "{v}"
    );
    assert!(v["alerts"][0]["km_post"].as_f64().unwrap() > 200.0, "{v}");
    assert_eq!(v["alerts"][0]["incident_at"], json!([77.75, 45.93]), "{v}");
    let v = node
        .get_json(&analyst.token, &format!("{base}api/v1/places"))
        .await;
    assert_eq!(v["places"][0]["id"], place, "{v}");
    assert_eq!(v["places"][0]["latitude"], 45.93, "{v}");
    let v = node
        .get_json(&analyst.token, &format!("{base}api/v1/observations"))
        .await;
    assert_eq!(v["observations"][0]["id"], od, "{v}");
    assert_eq!(
        v["observations"][0]["object_types"],
        json!(["domain-name"]),
        "{v}"
    );

    let mut b = Browser::new(&node);
    assert_eq!(b.sign_in("an1", &analyst.password).await, 303);
    // The map: the country outlines, the pipeline with its corridor, the place, red, joined to
    // the pipeline by its alert; the tables below it, in three languages.
    for (lang, title, kind) in [
        ("en", "Protected infrastructure", "pipeline"),
        ("ru", "Охраняемая инфраструктура", "трубопровод"),
        ("zh", "受保护基础设施", "管道"),
    ] {
        let (status, _, page) = b.get("/map", lang).await;
        assert_eq!(status, 200, "{page}");
        assert!(
            page.contains(title) && page.contains(kind),
            "{lang}: {page}"
        );
        assert!(
            page.contains(&format!("data-asset=\"{pipeline}\"")),
            "{lang}"
        );
        assert!(page.contains("class=\"corridor\""), "{lang}");
        assert!(
            page.contains(&format!("class=\"place alerted\" data-place=\"{place}\"")),
            "{lang}"
        );
        assert!(page.contains("class=\"alert-link\""), "{lang}");
        assert!(
            page.contains("<title lang=\"en\">Kazakhstan</title>"),
            "{lang}"
        );
        assert!(page.contains("Kazakhstan-China oil pipeline"), "{lang}");
    }
    for (lang, word) in [
        ("en", "sighting"),
        ("ru", "обнаружение"),
        ("zh", "发现记录"),
    ] {
        let (status, _, page) = b.get(&format!("/intel/{indicator}"), lang).await;
        assert_eq!(status, 200, "{page}");
        assert!(
            page.contains(&format!("/intel/{sighting}")),
            "{lang}: {page}"
        );
        assert!(page.contains(word), "{lang}: {page}");
    }
    for (lang, word) in [
        ("en", "observation"),
        ("ru", "наблюдение"),
        ("zh", "观测数据"),
    ] {
        let (status, _, page) = b.get("/intel?type=observed-data", lang).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains(&format!("/intel/{od}")), "{lang}: {page}");
        assert!(page.contains(word), "{lang}: {page}");
    }
    let (_, _, page) = b.get("/intel/new", "en").await;
    let csrf = Browser::csrf(&page);
    let form = [
        ("csrf", csrf.as_str()),
        ("kind", "indicator"),
        ("name", "Broken"),
        ("pattern", "[domain-name:value = 'x'"),
        ("marking", "TLP:GREEN"),
    ];
    let (status, _, page) = b.post("/intel/new", &form).await;
    assert!(status >= 400, "{status}: {page}");
    assert!(page.contains("does not parse: at character 24"), "{page}");
}
