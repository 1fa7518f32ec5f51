//! A small HTTP/1.1 responder on loopback for client tests (until the offline gateway exists): it
//! records requests, answers through a handler, keeps connections alive and counts them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A request as the responder saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What to do with a request.
pub enum Reply {
    /// Answer with this status and body.
    Body(u16, Vec<u8>),
    /// Wait, then answer.
    Delayed(Duration, u16, Vec<u8>),
    /// Answer with this status, these extra headers and this body.
    WithHeaders(u16, Vec<(String, String)>, Vec<u8>),
    /// Answer with this status and body, sent in 1,000-byte chunks (`transfer-encoding: chunked`).
    Chunked(u16, Vec<u8>),
    /// Close the connection without answering.
    Drop,
}

type Handler = Arc<dyn Fn(&Seen) -> Reply + Send + Sync>;

pub struct Responder {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub connections: Arc<AtomicUsize>,
}

impl Responder {
    pub async fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let url = format!("http://{}/gateway.do", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let handler: Handler = Arc::new(handler);
        let (s, c) = (Arc::clone(&seen), Arc::clone(&connections));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                c.fetch_add(1, Ordering::SeqCst);
                let (h, s) = (Arc::clone(&handler), Arc::clone(&s));
                tokio::spawn(async move {
                    let mut stream = BufReader::new(stream);
                    while let Some(req) = read_request(&mut stream).await {
                        s.lock().expect("lock").push(req.clone());
                        let (status, headers, body) = match h(&req) {
                            Reply::Chunked(status, body) => {
                                if write_chunked(stream.get_mut(), status, &body).await.is_err() {
                                    return;
                                }
                                continue;
                            }
                            Reply::Body(status, body) => (status, Vec::new(), body),
                            Reply::WithHeaders(status, headers, body) => (status, headers, body),
                            Reply::Delayed(d, status, body) => {
                                tokio::time::sleep(d).await;
                                (status, Vec::new(), body)
                            }
                            Reply::Drop => return,
                        };
                        let extra: String = headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
                        let head = format!(
                            "HTTP/1.1 {status} X\r\ncontent-type: text/html;charset=utf-8\r\n{extra}content-length: {}\r\n\r\n",
                            body.len()
                        );
                        let stream = stream.get_mut();
                        if stream.write_all(head.as_bytes()).await.is_err() || stream.write_all(&body).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Responder { url, seen, connections }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }
}

async fn write_chunked(stream: &mut tokio::net::TcpStream, status: u16, body: &[u8]) -> std::io::Result<()> {
    let head = format!("HTTP/1.1 {status} X\r\ncontent-type: application/zip\r\ntransfer-encoding: chunked\r\n\r\n");
    stream.write_all(head.as_bytes()).await?;
    for chunk in body.chunks(1000) {
        stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await?;
        stream.write_all(chunk).await?;
        stream.write_all(b"\r\n").await?;
    }
    stream.write_all(b"0\r\n\r\n").await
}

async fn read_request(stream: &mut BufReader<tokio::net::TcpStream>) -> Option<Seen> {
    let mut line = String::new();
    if stream.read_line(&mut line).await.ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        stream.read_line(&mut h).await.ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    stream.read_exact(&mut body).await.ok()?;
    Some(Seen { method, target, headers, body })
}
