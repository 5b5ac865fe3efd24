//! Staff pages driven in process through the router as a browser would: cookies kept between
//! requests, the CSRF token read from each page's forms, forms posted as
//! `application/x-www-form-urlencoded`, and small readers for what a page shows.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use knead_app::{App, Clock};
use knead_testkit::TestDb;
use knead_web::{WebConfig, router};
use std::collections::BTreeMap;
use tower::ServiceExt;

/// A browser of one person: the cookies it holds and the CSRF token of the last form seen.
pub struct Browser {
    router: Router,
    pub cookies: BTreeMap<String, String>,
    pub csrf: Option<String>,
}

/// What came back from one request.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The id in a redirect such as `/locations/{id}?saved=1`.
    pub fn created_id(&self) -> String {
        let path = self.location().split(['?', '#']).next().unwrap_or("");
        path.rsplit('/').next().unwrap_or("").to_owned()
    }
}

impl Browser {
    pub fn new(app: &App) -> Browser {
        let router = router(app.clone(), WebConfig::default());
        Browser {
            router,
            cookies: BTreeMap::new(),
            csrf: None,
        }
    }

    /// Opens `path`; a `#fragment` stays in the browser, as it would.
    pub async fn get(&mut self, path: &str) -> Reply {
        let path = path.split('#').next().unwrap_or(path);
        let request = self.request("GET", path).body(Body::empty()).unwrap();
        self.send(request).await
    }

    /// Posts `fields` with the CSRF token of the last page seen, as the page's form would.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let csrf = self
            .csrf
            .clone()
            .expect("a page with a form was opened first");
        let mut all = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts exactly `fields`, with no CSRF token added.
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = self
            .request("POST", path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    pub fn request(&self, method: &str, path: &str) -> axum::http::request::Builder {
        let cookies: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let builder = Request::builder().method(method).uri(path);
        if cookies.is_empty() {
            builder
        } else {
            builder.header(header::COOKIE, cookies.join("; "))
        }
    }

    pub async fn send(&mut self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let body = String::from_utf8(body.collect().await.unwrap().to_bytes().to_vec()).unwrap();
        for cookie in parts.headers.get_all(header::SET_COOKIE) {
            self.keep_cookie(cookie.to_str().unwrap());
        }
        if let Some(token) = hidden_csrf(&body) {
            self.csrf = Some(token);
        }
        Reply {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    pub fn keep_cookie(&mut self, set_cookie: &str) {
        let pair = set_cookie.split(';').next().unwrap();
        let (name, value) = pair.split_once('=').unwrap();
        if set_cookie.contains("Max-Age=0") || value.is_empty() {
            self.cookies.remove(name);
        } else {
            self.cookies.insert(name.to_owned(), value.to_owned());
        }
    }
}

/// The value of the first `_csrf` hidden input on a page.
pub fn hidden_csrf(html: &str) -> Option<String> {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// The message shown beside the input with id `id`. Also checks that the input is marked
/// invalid and points at the message.
pub fn message_beside(html: &str, id: &str) -> String {
    let input = element_with_id(html, id).unwrap_or_else(|| panic!("no input #{id}"));
    assert!(
        input.contains("aria-invalid=\"true\""),
        "#{id} is not marked invalid: {input}"
    );
    assert!(
        input.contains(&format!("{id}-error")),
        "#{id} does not point at its message"
    );
    let marker = format!("id=\"{id}-error\">");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no message for #{id}"))
        + marker.len();
    let end = html[start..].find("</p>").unwrap();
    text_of(&html[start..start + end])
}

/// The opening tag of the element whose id is `id`.
pub fn element_with_id<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')?;
    Some(&html[start..=end])
}

/// Whether the checkbox with id `id` is ticked.
pub fn is_checked(html: &str, id: &str) -> bool {
    let input = element_with_id(html, id).unwrap_or_else(|| panic!("no checkbox #{id}"));
    input.contains(" checked")
}

/// The text between `marker` and the next quote or slash: an id in a link or a value.
pub fn value_after(html: &str, marker: &str) -> String {
    let rest = html
        .split(marker)
        .nth(1)
        .unwrap_or_else(|| panic!("no {marker}"));
    rest.split(['"', '/']).next().unwrap().to_owned()
}

/// Text without tags, whitespace collapsed as a browser shows it, and the few entities the
/// templates produce decoded.
pub fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

pub const PASSWORD: &str = "correct horse battery";
pub const OWNER_EMAIL: &str = "maya@annex.example";
pub const SETUP_FIELDS: &[(&str, &str)] = &[
    ("clinic_name", "Annex Massage Therapy"),
    ("owner_name", "Maya Chen"),
    ("email", OWNER_EMAIL),
    ("password", PASSWORD),
    ("password_confirm", PASSWORD),
];

pub fn test_app(db: &TestDb) -> App {
    let now: jiff::Timestamp = "2026-12-03T15:00:00Z".parse().unwrap();
    App::new(db.store.clone(), Clock::fixed(now))
}

/// A fresh Knead set up through the first-start page, its owner signed in.
pub async fn signed_in_owner(db: &TestDb) -> (App, Browser) {
    let app = test_app(db);
    let mut browser = Browser::new(&app);
    browser.get("/setup").await;
    let reply = browser.post("/setup", SETUP_FIELDS).await;
    let failed = format!("set-up failed: {}", reply.body);
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{failed}");
    (app, browser)
}

pub fn location_fields<'a>(
    name: &'a str,
    zone: &'a str,
    province: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("address_line1", "120 Bloor St W"),
        ("city", "Toronto"),
        ("province", province),
        ("postal_code", "m5s1s4"),
        ("time_zone", zone),
        ("phone", "416-555-0134"),
        ("slot_step_minutes", "15"),
        ("active", "true"),
    ]
}

/// A location in Toronto, as its form would send it.
pub fn toronto(name: &str) -> Vec<(&str, &str)> {
    location_fields(name, "America/Toronto", "ON")
}

/// Adds a location through its form and returns its id.
pub async fn add_location(browser: &mut Browser, name: &str) -> String {
    browser.get("/locations/new").await;
    browser
        .post("/locations", &toronto(name))
        .await
        .created_id()
}

pub fn service_fields<'a>(
    duration: &'a str,
    price: &'a str,
    buffer: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "Massage therapy, 60 minutes"),
        ("duration_minutes", duration),
        ("price", price),
        ("tax_code", "exempt"),
        ("buffer_before_minutes", "0"),
        ("buffer_after_minutes", buffer),
        ("online_bookable", "true"),
        ("active", "true"),
    ]
}

pub fn patient_fields<'a>(first: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("legal_first_name", first),
        ("legal_last_name", "Okafor"),
        ("preferred_name", ""),
        ("date_of_birth", "1985-04-12"),
        ("email", email),
        ("phone", "(416) 555-0188"),
        ("province", "ON"),
    ]
}
