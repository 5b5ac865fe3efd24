//! A real SMTP server inside the test (mailin-embedded on a loopback port) that keeps every
//! message it accepts, and the outbox worker pointed at it.

use knead_app::outbox::{DeliveryPolicy, Mailer, OutboxWorker, SmtpConfig, SmtpTls};
use knead_store::Store;
use mailin_embedded::response::{self, Response};
use mailin_embedded::{Handler, Server};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// One message as the server received it.
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: Vec<String>,
    pub data: String,
}

impl Mail {
    /// The value of header `name` (first line only).
    pub fn header(&self, name: &str) -> String {
        let prefix = format!("{}:", name.to_lowercase());
        self.data
            .lines()
            .find(|l| l.to_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_owned())
            .unwrap_or_default()
    }

    /// The first link in the body that starts with `base`, with soft line breaks undone.
    pub fn link(&self, base: &str) -> String {
        let body = self.data.replace("=\r\n", "").replace("=\n", "");
        let start = body.find(base).expect("the mail holds a link");
        body[start..].split_whitespace().next().unwrap().to_owned()
    }
}

/// The messages a server accepted, shared with the test.
pub type Inbox = Arc<Mutex<Vec<Mail>>>;

#[derive(Clone)]
struct Keeper {
    inbox: Inbox,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Keeper {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let mail = Mail {
            to: std::mem::take(&mut self.to),
            data: String::from_utf8_lossy(&self.data).into_owned(),
        };
        self.inbox.lock().unwrap().push(mail);
        response::OK
    }
}

/// A loopback port with nothing listening on it (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts an SMTP server on `port` (0: any free one); returns its port and inbox. It runs on
/// its own threads until the test process ends.
pub fn start_server(port: u16) -> (u16, Inbox) {
    let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox: Inbox = Arc::default();
    let keeper = Keeper {
        inbox: inbox.clone(),
        to: Vec::new(),
        data: Vec::new(),
    };
    let mut server = Server::new(keeper);
    server.with_name("mail.test").with_tcp_listener(listener);
    // serve() runs forever; its error type is not Send, so it stays in this thread.
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (port, inbox)
}

/// An outbox worker sending to the SMTP server on `port`, without TLS.
pub fn worker(store: &Store, port: u16, policy: DeliveryPolicy) -> OutboxWorker {
    let config = SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        tls: SmtpTls::None,
        user: None,
        password: None,
        from: "Annex Massage <desk@annex.example>".into(),
    };
    OutboxWorker::new(store.clone(), Mailer::new(&config).unwrap(), policy)
}
