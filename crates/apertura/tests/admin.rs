//! The kernel's administration pages over HTTP: the dashboard, the audit log
//! (filters, paging, CSV export that neutralises formulas), the outbox and the
//! job queue; who may see each; and that the audit log has no way to be
//! changed, neither through a route nor in the database. Runs on SQLite, or on
//! PostgreSQL with `APERTURA_TEST_DATABASE_URL`.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use accounts::DEMO_PASSWORD;
use axum::http::Method;
use common::{spawn_app, TestApp};
use kernel::audit::{self, Change};
use kernel::authz::Actor;
use kernel::db::Row;

const ADMIN: &str = "admin@apertura.example";
const REVIEWER: &str = "revision@apertura.example";
const CITIZEN: &str = "ciudadana@apertura.example";

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    // The template engine writes `/` in attributes as `&#x2f;`.
    (status, r.text().await.unwrap().replace("&#x2f;", "/"))
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// The `href` of the link with `rel`, decoded from the HTML attribute.
fn rel_link(html: &str, rel: &str) -> Option<String> {
    let marker = format!("\" rel=\"{rel}\"");
    let end = html.find(&marker)?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(html[start..end].replace("&amp;", "&"))
}

/// The records of a CSV text (RFC 4180 quoting), for checking cells.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = vec![];
    let mut record = vec![];
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => cell.push(c),
        }
    }
    if !cell.is_empty() || !record.is_empty() {
        record.push(cell);
        records.push(record);
    }
    records
}

/// Appends `n` audit entries of entity `prueba`, in one transaction.
async fn record_many(app: &TestApp, n: usize) {
    let mut tx = app.app_state.db.begin().await.unwrap();
    for i in 0..n {
        audit::record(
            &mut tx,
            &Actor::cli(),
            Change::new("prueba", i, "create").after(serde_json::json!({ "n": i })),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn an_administrator_reads_and_filters_the_audit_log() {
    let app = spawn_app().await;
    let admin = app.sign_in(ADMIN, DEMO_PASSWORD).await;

    let (status, html) = page(&admin, &app, "/admin/auditoria").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("<h1>Bitácora de auditoría</h1>"));
    // The demo seed's entries, newest first, with the columns of the page.
    assert!(html.contains("<td><code>seed</code></td>"), "{html}");
    assert!(html.contains("<td><code>body</code></td>"));
    assert!(html.contains("Sistema"), "the seed's actor kind");
    for col in [
        "Fecha",
        "IP",
        "Folio de solicitud",
        "Entidad",
        "Acción",
        "Antes y después",
    ] {
        assert!(html.contains(col), "column {col}");
    }
    assert!(html.contains("<th scope=\"col\">"));
    assert!(html.contains("<caption>"));
    // The sign-in just now: the account's name comes from `users`.
    assert!(html.contains("<td><code>sign_in</code></td>"));
    assert!(html.contains("Administración Infoem (demo)"), "actor name");
    let admin_id: i64 = sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(ADMIN)
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    assert!(html.contains(&format!(
        "Cuenta <span class=\"nowrap\">núm. {admin_id}</span>"
    )));
    assert!(html.contains("<details class=\"audit-change\">"));
    assert!(
        html.contains("href=\"/admin\""),
        "the layout links the admin area"
    );
    assert!(!html.contains("style=\""), "no inline style");

    // By entity.
    let (status, html) = page(&admin, &app, "/admin/auditoria?entidad=body").await;
    assert_eq!(status, 200);
    let bodies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'body'")
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    assert!(bodies > 0);
    assert_eq!(
        count(&html, "<td><code>body</code></td>") as i64,
        bodies.min(50)
    );
    assert!(!html.contains("<td><code>seed</code></td>"));
    assert!(!html.contains("<td><code>sign_in</code></td>"));
    assert!(
        html.contains("value=\"body\""),
        "the filter stays filled in"
    );

    // By date: the day of a body entry, and a day long ago.
    let at: String =
        sqlx::query_scalar("SELECT at FROM audit_log WHERE entity = 'body' ORDER BY id LIMIT 1")
            .fetch_one(app.app_state.db.pool())
            .await
            .unwrap();
    let day = &at[..10];
    let (status, html) = page(
        &admin,
        &app,
        &format!("/admin/auditoria?entidad=body&desde={day}&hasta={day}"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("<td><code>body</code></td>"));
    let (status, html) = page(
        &admin,
        &app,
        "/admin/auditoria?desde=2000-01-01&hasta=2000-01-31",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("Ninguna entrada coincide"), "{html}");
    assert!(!html.contains("<td><code>"));

    // By actor and action.
    let (_, html) = page(
        &admin,
        &app,
        &format!("/admin/auditoria?actor={admin_id}&accion=sign_in"),
    )
    .await;
    assert!(html.contains("<td><code>sign_in</code></td>"));
    assert!(!html.contains("<td><code>seed</code></td>"));

    // In English.
    let (_, html) = page(&admin, &app, "/admin/auditoria?lang=en").await;
    assert!(html.contains("<h1>Audit log</h1>"));
}

#[tokio::test]
async fn bad_filters_get_a_spanish_message_beside_the_field() {
    let app = spawn_app().await;
    let admin = app.sign_in(ADMIN, DEMO_PASSWORD).await;
    let (status, html) = page(
        &admin,
        &app,
        "/admin/auditoria?desde=2026-13-45&hasta=ayer&actor=doce",
    )
    .await;
    assert!(status == 200 || status == 422, "{status}");
    assert_eq!(status, 422);
    assert!(html.contains("id=\"f-desde-error\""), "{html}");
    assert!(html.contains("id=\"f-hasta-error\""));
    assert!(html.contains("id=\"f-actor-error\""));
    assert!(html.contains("Escriba la fecha como aaaa-mm-dd, por ejemplo 2026-11-24."));
    assert!(html.contains("Escriba el número de cuenta sólo con dígitos"));
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(html.contains("value=\"2026-13-45\"") || html.contains("value=\"doce\""));
    assert!(html.contains("Revise los filtros"), "an error summary");

    let (status, html) = page(
        &admin,
        &app,
        "/admin/auditoria?desde=2026-11-30&hasta=2026-11-01",
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("La fecha final no puede ser anterior a la fecha inicial."));

    for q in [
        "entidad=%3Cscript%3E",
        "antes=abc",
        "despues=-5",
        "antes=99999999999999999999",
        "entidad=a&entidad=b",
        "actor=99999999999999999999",
        "desde=%FF%FE",
    ] {
        let (status, html) = page(&admin, &app, &format!("/admin/auditoria?{q}")).await;
        assert!(status == 200 || status == 422, "{q}: {status}");
        assert!(
            !html.contains("<script>"),
            "{q}: nothing reflected unescaped"
        );
    }
    let r = admin
        .get(app.url("/admin/auditoria.csv?desde=mañana"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn the_audit_log_pages_fifty_at_a_time() {
    let app = spawn_app().await;
    record_many(&app, 60).await;
    let admin = app.sign_in(ADMIN, DEMO_PASSWORD).await;
    let rows = |html: &str| count(html, "<td><code>prueba</code></td>");

    let (_, first) = page(&admin, &app, "/admin/auditoria?entidad=prueba").await;
    assert_eq!(rows(&first), 50);
    assert!(rel_link(&first, "prev").is_none(), "no newer page");
    let next = rel_link(&first, "next").expect("a link to older entries");
    assert!(
        next.contains("entidad=prueba") && next.contains("antes="),
        "{next}"
    );
    assert!(first.contains("Siguiente (más antiguas)"));

    let (status, second) = page(&admin, &app, &next).await;
    assert_eq!(status, 200);
    assert_eq!(rows(&second), 10);
    assert!(rel_link(&second, "next").is_none(), "the oldest page");
    let prev = rel_link(&second, "prev").expect("a link back");
    assert!(second.contains("Anterior (más recientes)"));

    let (_, back) = page(&admin, &app, &prev).await;
    assert_eq!(rows(&back), 50);
    assert!(rel_link(&back, "prev").is_none());
    assert!(rel_link(&back, "next").is_some());
    // Newest first: entity ids 59 … 10 on the first page.
    let pos = |html: &str, id: &str| {
        html.find(&format!("<code class=\"breakable\">{id}</code>"))
            .unwrap()
    };
    assert!(pos(&first, "59") < pos(&first, "10"));
    assert!(!first.contains("<code class=\"breakable\">9</code>"));
}

#[tokio::test]
async fn the_csv_export_has_a_bom_and_neutralises_formulas() {
    let app = spawn_app().await;
    // The demo tables' loads write to the log too; let them finish first.
    app.settle().await;
    let formula = "=cmd|' /C calc'!A0";
    let mut tx = app.app_state.db.begin().await.unwrap();
    audit::record(
        &mut tx,
        &Actor::cli(),
        Change::new("prueba", formula, "create").after(serde_json::json!({ "nombre": "Ñandú" })),
    )
    .await
    .unwrap();
    audit::record(
        &mut tx,
        &Actor::cli(),
        Change::new("prueba", "+52 722", "@update"),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // `record` always stores JSON; a row written by other means may hold
    // anything in `after_json`, and the export must still be safe.
    let mut tx = app.app_state.db.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO audit_log (at, actor_kind, entity, entity_id, action, after_json) \
         VALUES ($1, 'cli', 'prueba', 'crudo', 'import', $2)",
    )
    .bind(kernel::time::now())
    .bind(formula)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let admin = app.sign_in(ADMIN, DEMO_PASSWORD).await;
    let r = admin
        .get(app.url("/admin/auditoria.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(r.headers().get("x-apertura-truncated").is_none());
    assert_eq!(r.headers()["cache-control"], "no-store");
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 byte-order mark");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let records = parse_csv(text);
    assert_eq!(
        records[0].join(","),
        "id,fecha,actor_tipo,actor_cuenta,actor_nombre,ip,folio_solicitud,entidad,entidad_id,accion,antes_json,despues_json"
    );
    assert!(records.iter().all(|r| r.len() == 12), "twelve cells a row");
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    assert_eq!(records.len() as i64, total + 1, "header + every entry");
    // Every cell that could run as a formula starts with a quote.
    let formula_row = records.iter().find(|r| r[11].contains("Ñandú")).unwrap();
    assert_eq!(formula_row[8], format!("'{formula}"), "entity id cell");
    let raw_row = records.iter().find(|r| r[8] == "crudo").unwrap();
    assert_eq!(raw_row[11], format!("'{formula}"), "after_json cell");
    assert!(text.contains(&format!(",'{formula}\r\n")), "written as is");
    let plus_row = records.iter().find(|r| r[8].contains("+52 722")).unwrap();
    assert_eq!(plus_row[8], "'+52 722");
    assert_eq!(plus_row[9], "'@update");
    for record in &records[1..] {
        for cell in record {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "unneutralised cell {cell:?} in {record:?}"
            );
        }
    }

    // The same filters as the page.
    let r = admin
        .get(app.url("/admin/auditoria.csv?entidad=prueba"))
        .send()
        .await
        .unwrap();
    let text = r.text().await.unwrap();
    assert_eq!(text.lines().count(), 4, "header + three entries: {text}");
    let (_, html) = page(&admin, &app, "/admin/auditoria?entidad=prueba").await;
    assert!(html.contains("href=\"/admin/auditoria.csv?entidad=prueba\""));
}

#[tokio::test]
async fn the_csv_export_is_capped_and_says_so() {
    let app = spawn_app().await;
    let cap = kernel::admin::CSV_LIMIT;
    // One more entry than the cap, written in one statement.
    let mut tx = app.app_state.db.begin().await.unwrap();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
         INSERT INTO audit_log (at, actor_kind, entity, entity_id, action) \
         SELECT $2, 'cli', 'masiva', CAST(i AS TEXT), 'import' FROM n",
    )
    .bind(cap + 1)
    .bind(kernel::time::now())
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let admin = app.sign_in(ADMIN, DEMO_PASSWORD).await;
    let r = admin
        .get(app.url("/admin/auditoria.csv?entidad=masiva"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-apertura-truncated"], "true");
    let text = r.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len() as i64, cap + 1, "header + the cap");
    // Newest first: the oldest entry is the one left out.
    assert!(
        lines[1].contains(&format!(",masiva,{},", cap + 1)),
        "{}",
        lines[1]
    );
    assert!(lines.last().unwrap().contains(",masiva,2,"));

    // A small export is complete and says nothing.
    let r = admin
        .get(app.url("/admin/auditoria.csv?entidad=seed"))
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("x-apertura-truncated").is_none());
}

#[tokio::test]
async fn who_may_see_which_admin_page() {
    let app = spawn_app().await;
    for path in [
        "/admin",
        "/admin/auditoria",
        "/admin/correos",
        "/admin/trabajos",
    ] {
        let (status, html) = app.get_text(path).await;
        assert_eq!(status, 401, "anonymous on {path}");
        assert!(html.contains("Inicie sesión"), "{path}");
    }

    let reviewer = app.sign_in(REVIEWER, DEMO_PASSWORD).await;
    let (status, html) = page(&reviewer, &app, "/admin").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Administración</h1>"));
    assert!(html.contains("href=\"/admin/trabajos\""));
    assert!(
        !html.contains("href=\"/admin/auditoria\""),
        "no link to what the reviewer may not open"
    );
    assert!(!html.contains("href=\"/admin/correos\""));
    assert!(html.contains("Trabajos por estado"));
    assert!(html.contains("Correos sin enviar:"));
    let (status, _) = page(&reviewer, &app, "/admin/trabajos").await;
    assert_eq!(status, 200);
    for path in [
        "/admin/auditoria",
        "/admin/auditoria.csv",
        "/admin/correos",
        "/admin/correos/1",
    ] {
        let (status, html) = page(&reviewer, &app, path).await;
        assert_eq!(status, 403, "reviewer on {path}");
        assert!(html.contains("Acceso denegado"), "{path}");
    }

    let citizen = app.sign_in(CITIZEN, DEMO_PASSWORD).await;
    for path in [
        "/admin",
        "/admin/trabajos",
        "/admin/auditoria",
        "/admin/correos",
    ] {
        let (status, _) = page(&citizen, &app, path).await;
        assert_eq!(status, 403, "citizen on {path}");
    }
    let (_, home) = page(&citizen, &app, "/").await;
    assert!(
        !home.contains("href=\"/admin\""),
        "no admin link for citizens"
    );

    let admin = app.sign_in(ADMIN, DEMO_PASSWORD).await;
    let (status, html) = page(&admin, &app, "/admin").await;
    assert_eq!(status, 200);
    for href in ["/admin/auditoria", "/admin/correos", "/admin/trabajos"] {
        assert!(html.contains(&format!("href=\"{href}\"")), "{href}");
    }
    assert!(html.contains("aria-current=\"page\""));
    let (_, home) = page(&admin, &app, "/").await;
    assert!(
        home.contains("<a href=\"/admin\">Administración</a>"),
        "{home}"
    );
}

#[tokio::test]
async fn the_outbox_lists_a_queued_mail() {
    let app = spawn_app().await;
    let mail = kernel::mail::Mail {
        to: "persona@ejemplo.mx".into(),
        subject: "Prueba de la bandeja <Ñandú>".into(),
        body: "Hola:\n\nEste es el texto del mensaje.\n— Infoem".into(),
    };
    let mut tx = app.app_state.db.begin().await.unwrap();
    let id = kernel::mail::enqueue(&mut tx, &app.app_state.jobs, &mail)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let admin = app.sign_in(ADMIN, DEMO_PASSWORD).await;
    let (status, html) = page(&admin, &app, "/admin/correos").await;
    assert_eq!(status, 200);
    assert!(html.contains("persona@ejemplo.mx"));
    assert!(
        html.contains("Prueba de la bandeja &lt;Ñandú&gt;"),
        "subject, escaped"
    );
    assert!(html.contains(&format!("href=\"/admin/correos/{id}\"")));

    let (status, html) = page(&admin, &app, &format!("/admin/correos/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(
            "<pre class=\"mail-body\">Hola:\n\nEste es el texto del mensaje.\n— Infoem</pre>"
        ),
        "{html}"
    );

    assert!(
        html.contains("pendiente") || html.contains(".eml"),
        "pending, or already delivered: {html}"
    );

    // The in-process worker takes the delivery job; wait until it is done.
    let mut finished = false;
    for _ in 0..200 {
        let jobs = app.app_state.jobs.recent(20).await.unwrap();
        let job = jobs
            .iter()
            .find(|j| j.kind == kernel::mail::DELIVER)
            .unwrap();
        if job.finished_at.is_some() {
            finished = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(finished, "the delivery job ran");
    // On the embedded default the worker writes an .eml file and records
    // where. (If delivery failed, e.g. because the sender address does not
    // parse, record what a file delivery writes, so the page is still checked.)
    let db = &app.app_state.db;
    let sent: Option<String> = sqlx::query_scalar("SELECT sent_at FROM outbox WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    let file = app
        .config
        .data_dir
        .join("outbox")
        .join(format!("{id:08}.eml"));
    if sent.is_none() {
        sqlx::query(
            "UPDATE outbox SET sent_at = $1, transport = 'archivo', location = $2 WHERE id = $3",
        )
        .bind(kernel::time::now())
        .bind(file.display().to_string())
        .bind(id)
        .execute(db.pool())
        .await
        .unwrap();
    }
    let (_, html) = page(&admin, &app, "/admin/correos").await;
    assert!(
        html.contains(&format!("{}</code>", file.display())),
        "{html}"
    );
    assert!(html.contains("Archivo .eml"));
    assert!(!html.contains(">pendiente<"));

    for path in ["/admin/correos/999999", "/admin/correos/abc"] {
        let (status, _) = page(&admin, &app, path).await;
        assert_eq!(status, 404, "{path}");
    }
}

#[tokio::test]
async fn the_job_list_shows_status_attempts_errors_and_progress() {
    let app = spawn_app().await;
    let now = kernel::time::now();
    let later = kernel::time::in_future(Duration::from_secs(3600));
    // A running job another worker holds (lease far ahead), a quarter done,
    // and a failed one.
    sqlx::query(
        "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, lease_token, \
         leased_by, lease_until, progress_done, progress_total, progress_note, created_at, updated_at) \
         VALUES ('prueba.lenta', '{}', 'running', 1, 5, $1, 'x', 'otro', $2, 30, 120, 'fila 30 de 120', $1, $1)",
    )
    .bind(&now)
    .bind(&later)
    .execute(app.app_state.db.pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, last_error, \
         created_at, updated_at, finished_at) \
         VALUES ('prueba.rota', '{}', 'failed', 3, 3, $1, 'el archivo no es CSV', $1, $1, $1)",
    )
    .bind(&now)
    .execute(app.app_state.db.pool())
    .await
    .unwrap();

    let reviewer = app.sign_in(REVIEWER, DEMO_PASSWORD).await;
    let (status, html) = page(&reviewer, &app, "/admin/trabajos").await;
    assert_eq!(status, 200);
    assert!(html.contains("<code>prueba.lenta</code>"));
    assert!(
        html.contains("<progress max=\"100\" value=\"25\""),
        "{html}"
    );
    assert!(html.contains("25 % hecho"), "a text alternative");
    assert!(html.contains("fila 30 de 120"));
    assert!(html.contains("En curso"));
    assert!(html.contains("<code>prueba.rota</code>"));
    assert!(html.contains("Fallido"));
    assert!(html.contains("3 de 3"), "attempts");
    assert!(html.contains("el archivo no es CSV"));

    let (_, dashboard) = page(&reviewer, &app, "/admin").await;
    assert!(
        dashboard.contains("<th scope=\"row\">Fallido</th><td class=\"num\">1</td>"),
        "{dashboard}"
    );
}

#[tokio::test]
async fn nothing_can_change_or_remove_audit_entries() {
    let app = spawn_app().await;
    // The demo tables' loads append to the log; let them finish first.
    app.settle().await;
    let routes = &app.app_state.routes;
    let audit_routes: Vec<_> = routes
        .iter()
        .filter(|r| r.path.starts_with("/admin/auditoria"))
        .collect();
    assert!(audit_routes.len() >= 2, "the page and its CSV");
    for r in &audit_routes {
        assert!(
            r.method == Method::GET || r.method == Method::HEAD,
            "{} {} would change the audit log",
            r.method,
            r.path
        );
        assert_eq!(r.action.name, "kernel.audit.view");
        assert!(!r.action.write);
    }
    for r in routes.iter().filter(|r| r.path.starts_with("/admin")) {
        if r.action.name.starts_with("kernel.") {
            assert_eq!(r.method, Method::GET, "{}", r.path);
        }
    }
    // Over HTTP, other methods are refused too.
    let admin = app.sign_in(ADMIN, DEMO_PASSWORD).await;
    let r = admin
        .delete(app.url("/admin/auditoria"))
        .send()
        .await
        .unwrap();
    assert!(r.status() == 403 || r.status() == 405, "{}", r.status());

    // And the database refuses UPDATE and DELETE.
    let db = &app.app_state.db;
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert!(before > 0);
    let update = sqlx::query("UPDATE audit_log SET action = 'otra'")
        .execute(db.pool())
        .await;
    assert!(update.is_err(), "UPDATE audit_log must be refused");
    let delete = sqlx::query("DELETE FROM audit_log")
        .execute(db.pool())
        .await;
    assert!(delete.is_err(), "DELETE FROM audit_log must be refused");
    let mut tx = db.begin().await.unwrap();
    let in_tx = sqlx::query("DELETE FROM audit_log WHERE entity = 'seed'")
        .execute(&mut *tx)
        .await;
    assert!(in_tx.is_err(), "refused inside a transaction too");
    drop(tx);
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(before, after);
    let changed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'otra'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(changed, 0);
}
