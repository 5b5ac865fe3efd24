//! A real browser for tests: Debian's headless Chromium driven through chromedriver
//! (WebDriver), against Knead served on a free local port with a fresh database.
//!
//! When chromium or chromedriver is missing the test says so and is skipped, unless
//! `KNEAD_REQUIRE_BROWSER=1` (as in CI), which makes it fail.

use fantoccini::{Client, ClientBuilder, Locator};
use knead_app::{App, Clock};
use knead_testkit::TestDb;
use knead_web::WebConfig;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use tokio::sync::oneshot;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Knead served on a loopback port, stopped when dropped.
pub struct Server {
    pub base: String,
    stop: Option<oneshot::Sender<()>>,
}

impl Server {
    pub async fn start(db: &TestDb, clock: Clock) -> Server {
        let app = App::new(db.store.clone(), clock);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let router = knead_web::router(
            app,
            WebConfig {
                public_url: base.clone(),
                ..WebConfig::default()
            },
        );
        tokio::spawn(knead_web::serve(listener, router, async move {
            let _ = stopped.await;
        }));
        Server {
            base,
            stop: Some(stop),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A headless Chromium session with its own profile folder.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: PathBuf,
}

fn browser_required() -> bool {
    std::env::var("KNEAD_REQUIRE_BROWSER").is_ok_and(|v| v == "1" || v == "true")
}

impl Browser {
    /// Starts chromedriver and a browser session, or `None` when they are not installed and
    /// not required.
    pub async fn start() -> Option<Browser> {
        if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
            assert!(
                !browser_required(),
                "KNEAD_REQUIRE_BROWSER is set but {CHROMIUM} or {CHROMEDRIVER} is missing"
            );
            eprintln!("skipped: chromium and chromedriver are not installed");
            return None;
        }
        let (driver, port) = start_driver();
        let profile = std::env::temp_dir().join(format!("knead-chromium-{}", uuid_like()));
        let client = connect(port, &profile).await;
        client.set_window_size(1280, 900).await.unwrap();
        Some(Browser {
            client,
            driver,
            profile,
        })
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    pub async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_owned()
    }

    /// Types `value` into the input, select or textarea named `name`, replacing what was there.
    pub async fn fill(&self, name: &str, value: &str) {
        self.fill_at(&format!("[name=\"{name}\"]"), value).await;
    }

    /// Types `value` into the first field `css` finds, for a page where several forms share
    /// a field name.
    pub async fn fill_at(&self, css: &str, value: &str) {
        let field = self.client.find(Locator::Css(css)).await.unwrap();
        if field.tag_name().await.unwrap() == "select" {
            let option = format!("option[value=\"{value}\"]");
            field
                .find(Locator::Css(&option))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
        } else {
            field.clear().await.unwrap();
            field.send_keys(value).await.unwrap();
        }
    }

    /// Clicks the submit button of the form holding the field named `field`, then waits
    /// until that form is gone, that is until the browser has loaded the page it leads to.
    pub async fn submit_form_of(&self, field: &str) {
        let form = format!("//*[@name=\"{field}\"]/ancestor::form[1]");
        let form = self.client.find(Locator::XPath(&form)).await.unwrap();
        let button = form
            .find(Locator::XPath(".//button[@type=\"submit\" or not(@type)]"))
            .await
            .unwrap();
        button.click().await.unwrap();
        self.until_stale(&form).await;
    }

    /// Clicks the button whose text is `text` and waits for the page it leads to.
    pub async fn click_button(&self, text: &str) {
        let xpath = format!("//button[normalize-space()=\"{text}\"]");
        let button = self.client.find(Locator::XPath(&xpath)).await.unwrap();
        button.click().await.unwrap();
        self.until_stale(&button).await;
    }

    /// Clicks the first element matching `css` (a link or a button) and waits for the page
    /// it leads to.
    pub async fn follow(&self, css: &str) {
        let element = self.client.find(Locator::Css(css)).await.unwrap();
        element.click().await.unwrap();
        self.until_stale(&element).await;
    }

    /// Clicks the link or button at `xpath` and waits for the page it leads to.
    pub async fn follow_xpath(&self, xpath: &str) {
        let element = self.client.find(Locator::XPath(xpath)).await.unwrap();
        element.click().await.unwrap();
        self.until_stale(&element).await;
    }

    /// Opens the `<details>` whose summary reads `text`, as a click on it would.
    pub async fn open_details(&self, text: &str) {
        let xpath = format!("//summary[normalize-space()=\"{text}\"]");
        let summary = self.client.find(Locator::XPath(&xpath)).await.unwrap();
        summary.click().await.unwrap();
    }

    /// Sets the value of the input named `name` directly: date and time inputs take typed
    /// keys in the browser's own order, which differs by locale.
    pub async fn set_value(&self, name: &str, value: &str) {
        let script = "document.querySelector(`[name=\"${arguments[0]}\"]`).value = arguments[1];";
        let args = vec![serde_json::json!(name), serde_json::json!(value)];
        self.client.execute(script, args).await.unwrap();
    }

    /// The text of the first element matching `css`.
    pub async fn text_of(&self, css: &str) -> String {
        let element = self.client.find(Locator::Css(css)).await.unwrap();
        element.text().await.unwrap()
    }

    /// Resizes the window and saves a screenshot of it as `name`.
    pub async fn screenshot_at(&self, name: &str, width: u32, height: u32) -> PathBuf {
        self.client.set_window_size(width, height).await.unwrap();
        self.screenshot(name).await
    }

    /// Waits (up to ten seconds) until `element` no longer belongs to the loaded page.
    async fn until_stale(&self, element: &fantoccini::elements::Element) {
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(20));
        let gone = async {
            while element.tag_name().await.is_ok() {
                tick.tick().await;
            }
        };
        let waited = tokio::time::timeout(std::time::Duration::from_secs(10), gone).await;
        assert!(waited.is_ok(), "the page did not change after the click");
    }

    /// Waits until an element matching `css` is on the page.
    pub async fn wait_for(&self, css: &str) {
        self.client
            .wait()
            .for_element(Locator::Css(css))
            .await
            .unwrap();
    }

    pub async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Saves a screenshot under the target folder so people can look at it.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.unwrap();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, &png).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        path
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    format!("{}-{}", std::process::id(), nanos.as_nanos())
}

/// Starts chromedriver on a free port and waits for the line saying it is listening.
fn start_driver() -> (Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut driver = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let stdout = driver.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let started = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|l| l.contains("started successfully"));
    assert!(started, "chromedriver did not start");
    std::thread::spawn(move || for _ in lines {});
    (driver, port)
}

async fn connect(port: u16, profile: &Path) -> Client {
    let args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--lang=en-CA",
    ];
    let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "chrome".into());
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "binary": CHROMIUM, "args": args }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("open a browser session")
}
