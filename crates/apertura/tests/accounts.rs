//! Accounts over HTTP, as people use them: register, confirm by the e-mail
//! link, sign in and out, lock-out, CSRF, session fixation, password reset,
//! second factor, API tokens, invitations, and ARCO (download, delete).
//! Runs on SQLite, or on PostgreSQL with `APERTURA_TEST_DATABASE_URL`.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use accounts::DEMO_PASSWORD;
use common::{csrf_in, spawn_app, TestApp};
use kernel::db::Row;

/// The newest e-mail to `to`, once the worker delivered it to the outbox.
async fn last_mail_to(app: &TestApp, to: &str) -> kernel::mail::OutboxEntry {
    for _ in 0..100 {
        let mails = kernel::mail::recent(&app.app_state.db, 50).await.unwrap();
        if let Some(m) = mails.into_iter().find(|m| m.to_addr == to) {
            return m;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no e-mail to {to}");
}

/// The .eml file the worker wrote for outbox entry `id`.
async fn delivered_file(app: &TestApp, id: i64) -> String {
    for _ in 0..100 {
        let mails = kernel::mail::recent(&app.app_state.db, 50).await.unwrap();
        if let Some(m) = mails
            .into_iter()
            .find(|m| m.id == id && m.sent_at.is_some())
        {
            assert_eq!(m.transport.as_deref(), Some("archivo"));
            return std::fs::read_to_string(m.location.unwrap()).unwrap();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("e-mail {id} was not delivered");
}

fn link_in(body: &str, path_prefix: &str) -> String {
    let start = body.find(path_prefix).expect("link in the e-mail");
    body[start..].split_whitespace().next().unwrap().to_string()
}

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix("sid=")
                .map(|v| v.split(';').next().unwrap().to_string())
        })
        .filter(|v| !v.is_empty())
}

#[tokio::test]
async fn register_confirm_sign_in_and_out() {
    let app = spawn_app().await;
    let client = app.browser();
    let r = app
        .post_form(
            &client,
            "/registro",
            "/registro",
            &[
                ("name", "María Pérez Ñúñez"),
                ("email", "Maria.Perez@Zacazonapan.example"),
                ("password", "una frase larga y segura"),
                ("password2", "una frase larga y segura"),
                ("privacy", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Revise su correo"));
    // Not confirmed yet: signing in is refused with a clear message.
    let r = app
        .post_form(
            &client,
            "/entrar",
            "/entrar",
            &[
                ("email", "maria.perez@zacazonapan.example"),
                ("password", "una frase larga y segura"),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("confirme su correo"));
    let mail = last_mail_to(&app, "maria.perez@zacazonapan.example").await;
    assert!(mail.subject.contains("Confirme"));
    // Without SMTP the worker delivers it as an .eml file in the data directory.
    let eml = delivered_file(&app, mail.id).await;
    assert!(
        eml.contains("Subject: ") && eml.contains("maria.perez@zacazonapan.example"),
        "{eml}"
    );
    let link = link_in(&mail.body, &app.base_url);
    let r = client.get(&link).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = app
        .post_form(
            &client,
            "/entrar",
            "/entrar",
            &[
                ("email", "maria.perez@zacazonapan.example"),
                ("password", "una frase larga y segura"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(session_cookie(&r).is_some());
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("sid="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let html = client
        .get(app.url("/cuenta"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("María Pérez Ñúñez"), "accents intact");
    assert!(html.contains("Salir"));
    // Sign out.
    let token = csrf_in(&html);
    let r = client
        .post(app.url("/salir"))
        .form(&[("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = client.get(app.url("/cuenta")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("Inicie sesión"));
    // The confirmation link works only once.
    let r = client.get(&link).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn registering_a_taken_address_reveals_nothing() {
    let app = spawn_app().await;
    let client = app.browser();
    let r = app
        .post_form(
            &client,
            "/registro",
            "/registro",
            &[
                ("name", "Otra"),
                ("email", "ciudadana@apertura.example"),
                ("password", "otra frase muy larga"),
                ("password2", "otra frase muy larga"),
                ("privacy", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Revise su correo"));
    let mail = last_mail_to(&app, "ciudadana@apertura.example").await;
    assert!(mail.subject.contains("Ya tiene una cuenta"));
}

#[tokio::test]
async fn registration_errors_are_beside_the_fields() {
    let app = spawn_app().await;
    let client = app.browser();
    let r = app
        .post_form(
            &client,
            "/registro",
            "/registro",
            &[
                ("name", ""),
                ("email", "no-es-correo"),
                ("password", "corta"),
                ("password2", "corta"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    for msg in [
        "Escriba su nombre",
        "Escriba un correo electrónico válido",
        "al menos 12 caracteres",
        "aceptar el aviso de privacidad",
    ] {
        assert!(html.contains(msg), "{msg}");
    }
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(
        html.contains("value=\"no-es-correo\""),
        "what was typed is kept"
    );
}

#[tokio::test]
async fn twenty_wrong_passwords_lock_the_account() {
    let app = spawn_app().await;
    let client = app.browser();
    let mut statuses = vec![];
    for _ in 0..20 {
        let r = app
            .post_form(
                &client,
                "/entrar",
                "/entrar",
                &[
                    ("email", "ciudadana@apertura.example"),
                    ("password", "no es la contraseña"),
                ],
            )
            .await;
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses[0], 401);
    assert_eq!(*statuses.last().unwrap(), 429);
    // Even the right password is refused while locked, with the Spanish message.
    let r = app
        .post_form(
            &client,
            "/entrar",
            "/entrar",
            &[
                ("email", "ciudadana@apertura.example"),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), 429);
    let html = r.text().await.unwrap();
    assert!(html.contains("demasiados intentos fallidos"), "{html}");
    assert!(html.contains("15 minutos"));
    // Another account is not affected.
    app.sign_in("admin@apertura.example", DEMO_PASSWORD).await;
}

#[tokio::test]
async fn forms_without_csrf_get_a_spanish_403() {
    let app = spawn_app().await;
    let client = app.browser();
    client.get(app.url("/entrar")).send().await.unwrap(); // gets the csrf cookie
    let r = client
        .post(app.url("/entrar"))
        .form(&[
            ("email", "admin@apertura.example"),
            ("password", DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let html = r.text().await.unwrap();
    assert!(html.contains("El formulario caducó"));
    assert!(html.contains("lang=\"es-MX\""));
    let r = client
        .post(app.url("/entrar"))
        .form(&[
            ("email", "admin@apertura.example"),
            ("password", DEMO_PASSWORD),
            ("_csrf", "falso"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn the_session_id_changes_at_sign_in() {
    let app = spawn_app().await;
    let client = app
        .sign_in("ciudadana@apertura.example", DEMO_PASSWORD)
        .await;
    // Sign in again from the same browser: a new id, and the old one is dead.
    let html = client.get(app.url("/entrar")).send().await.unwrap();
    assert_eq!(html.status(), 303, "already signed in: sent on");
    let token = app.form_token(&client, "/registro").await;
    let first = {
        let r = client
            .post(app.url("/entrar"))
            .form(&[
                ("email", "ciudadana@apertura.example"),
                ("password", DEMO_PASSWORD),
                ("_csrf", token.as_str()),
            ])
            .send()
            .await
            .unwrap();
        session_cookie(&r).unwrap()
    };
    let r = client
        .post(app.url("/entrar"))
        .form(&[
            ("email", "ciudadana@apertura.example"),
            ("password", DEMO_PASSWORD),
            ("_csrf", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let second = session_cookie(&r).unwrap();
    assert_ne!(first, second);
    let old = reqwest::Client::new()
        .get(app.url("/cuenta"))
        .header("cookie", format!("sid={first}"))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 401, "the replaced session no longer works");
    // A session id planted before sign-in is never adopted.
    let planted = "plantado-por-un-atacante-0123456789abcdef";
    let fresh = app.browser();
    let token = app.form_token(&fresh, "/entrar").await;
    let r = fresh
        .post(app.url("/entrar"))
        .header("cookie", format!("sid={planted}"))
        .form(&[
            ("email", "ciudadana@apertura.example"),
            ("password", DEMO_PASSWORD),
            ("_csrf", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    // (reqwest sends its own cookie header too; what matters is the new id.)
    assert_ne!(session_cookie(&r).as_deref(), Some(planted));
}

#[tokio::test]
async fn password_reset_by_e_mail() {
    let app = spawn_app().await;
    let client = app.browser();
    let r = app
        .post_form(
            &client,
            "/recuperar",
            "/recuperar",
            &[("email", "ciudadana@apertura.example")],
        )
        .await;
    assert_eq!(r.status(), 200);
    let unknown = app
        .post_form(
            &client,
            "/recuperar",
            "/recuperar",
            &[("email", "nadie@apertura.example")],
        )
        .await;
    assert_eq!(unknown.status(), 200, "same answer for unknown addresses");
    let mail = last_mail_to(&app, "ciudadana@apertura.example").await;
    let link = link_in(&mail.body, &app.base_url);
    let path = link.trim_start_matches(&app.base_url).to_string();
    let r = app
        .post_form(
            &client,
            &path,
            &path,
            &[
                ("password", "mi nueva frase secreta"),
                ("password2", "mi nueva frase secreta"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    app.sign_in("ciudadana@apertura.example", "mi nueva frase secreta")
        .await;
    let r = app
        .post_form(
            &client,
            "/entrar",
            "/entrar",
            &[
                ("email", "ciudadana@apertura.example"),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), 401, "the old password no longer works");
}

#[tokio::test]
async fn second_factor_for_staff() {
    let app = spawn_app().await;
    let client = app
        .sign_in("revision@apertura.example", DEMO_PASSWORD)
        .await;
    let html = client
        .get(app.url("/cuenta/dos-pasos"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "<li>";
    assert!(html.contains(marker));
    let secret_start =
        html.find("<span class=\"secret\">").unwrap() + "<span class=\"secret\">".len();
    let secret = html[secret_start..].split('<').next().unwrap().to_string();
    let code = accounts::domain::totp(&secret, "revision@apertura.example")
        .unwrap()
        .generate_current()
        .unwrap();
    let token = csrf_in(&html);
    let r = client
        .post(app.url("/cuenta/dos-pasos"))
        .form(&[("code", "000000"), ("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    if code != "000000" {
        assert_eq!(r.status(), 422, "a wrong code does not turn it on");
    }
    let r = client
        .post(app.url("/cuenta/dos-pasos"))
        .form(&[("code", code.as_str()), ("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // Signing in now asks for the code.
    let other = app.browser();
    let r = app
        .post_form(
            &other,
            "/entrar",
            "/entrar",
            &[
                ("email", "revision@apertura.example"),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/entrar/codigo"));
    assert!(
        session_cookie(&r).is_none(),
        "no session before the second step"
    );
    let r = app
        .post_form(
            &other,
            "/entrar/codigo",
            "/entrar/codigo",
            &[("code", "12345")],
        )
        .await;
    assert_eq!(r.status(), 401);
    let code = accounts::domain::totp(&secret, "revision@apertura.example")
        .unwrap()
        .generate_current()
        .unwrap();
    let r = app
        .post_form(
            &other,
            "/entrar/codigo",
            "/entrar/codigo",
            &[("code", code.as_str())],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(session_cookie(&r).is_some());
}

#[tokio::test]
async fn api_tokens_read_write_scope_and_revocation() {
    let app = spawn_app().await;
    let client = app
        .sign_in("enlace.zacazonapan@apertura.example", DEMO_PASSWORD)
        .await;
    let r = app
        .post_form(
            &client,
            "/cuenta",
            "/cuenta/tokens",
            &[("name", "carga mensual"), ("scope", "read"), ("days", "30")],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let start = html.find("apt_").unwrap();
    let token = html[start..].split('<').next().unwrap().to_string();
    // The token is stored hashed, never in clear.
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1")
        .bind(&token)
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 0);
    // It works as Bearer and as the bare token CKAN clients send; no CSRF needed.
    for header in [format!("Bearer {token}"), token.clone()] {
        let r = reqwest::Client::new()
            .get(app.url("/cuenta"))
            .header("authorization", &header)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{header}");
    }
    // Read-only: it may not write (sign out is a write).
    let r = reqwest::Client::new()
        .post(app.url("/salir"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // A write token for a body the person does not belong to is refused.
    let toluca: i64 =
        sqlx::query_scalar("SELECT id FROM bodies WHERE slug = 'ayuntamiento-de-toluca'")
            .fetch_one(app.app_state.db.pool())
            .await
            .unwrap();
    let r = app
        .post_form(
            &client,
            "/cuenta",
            "/cuenta/tokens",
            &[
                ("name", "ajeno"),
                ("scope", "write"),
                ("body", &toluca.to_string()),
                ("days", "30"),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);
    // Revoke.
    let id: i64 = sqlx::query_scalar("SELECT id FROM api_tokens WHERE name = 'carga mensual'")
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    let r = app
        .post_form(
            &client,
            "/cuenta",
            &format!("/cuenta/tokens/{id}/revocar"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = reqwest::Client::new()
        .get(app.url("/cuenta"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let garbage = reqwest::Client::new()
        .get(app.url("/cuenta"))
        .header("authorization", "Bearer apt_inventado")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 401);
    // A refused form gets a Spanish page with a real title, not a message key.
    let r = app
        .post_form(
            &client,
            "/cuenta",
            "/cuenta/tokens",
            &[("name", ""), ("scope", "read")],
        )
        .await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("Ponga un nombre al token"), "{html}");
    assert!(
        html.contains("<h1 id=\"error-title\">Solicitud no válida</h1>"),
        "{html}"
    );
}

#[tokio::test]
async fn invitation_to_a_body() {
    let app = spawn_app().await;
    let admin = app
        .sign_in("enlace.zacazonapan@apertura.example", DEMO_PASSWORD)
        .await;
    let page = "/sujetos-obligados/ayuntamiento-de-zacazonapan/miembros";
    let r = app
        .post_form(
            &admin,
            page,
            "/sujetos-obligados/ayuntamiento-de-zacazonapan/invitaciones",
            &[
                ("email", "ciudadana@apertura.example"),
                ("role", "body-editor"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Enviamos una invitación"));
    // Not an administrator of Toluca: forbidden.
    let r = admin
        .get(app.url("/sujetos-obligados/ayuntamiento-de-toluca/miembros"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let mail = last_mail_to(&app, "ciudadana@apertura.example").await;
    let link = link_in(&mail.body, &app.base_url);
    let path = link.trim_start_matches(&app.base_url).to_string();
    // Someone else cannot accept it.
    let other = app
        .sign_in("revision@apertura.example", DEMO_PASSWORD)
        .await;
    let token = app.form_token(&other, "/cuenta").await;
    let r = other
        .post(app.url(&path))
        .form(&[("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let invitee = app
        .sign_in("ciudadana@apertura.example", DEMO_PASSWORD)
        .await;
    let r = app.post_form(&invitee, &path, &path, &[]).await;
    assert_eq!(r.status(), 303);
    let html = invitee
        .get(app.url("/cuenta"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Ayuntamiento de Zacazonapan"));
    let role: String = sqlx::query(
        "SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id JOIN bodies b ON b.id = m.body_id \
         WHERE u.email = 'ciudadana@apertura.example' AND b.slug = 'ayuntamiento-de-zacazonapan'",
    )
    .fetch_one(app.app_state.db.pool())
    .await
    .unwrap()
    .try_get("role")
    .unwrap();
    assert_eq!(role, "body-editor");
    // The link works once.
    let r = app.post_form(&invitee, "/cuenta", &path, &[]).await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn arco_download_and_delete() {
    let app = spawn_app().await;
    let client = app
        .sign_in("ciudadana@apertura.example", DEMO_PASSWORD)
        .await;
    let r = client
        .get(app.url("/cuenta/mis-datos.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let data: serde_json::Value = r.json().await.unwrap();
    assert_eq!(data["cuenta"]["correo"], "ciudadana@apertura.example");
    assert!(!data["sesiones"].as_array().unwrap().is_empty());
    let r = app
        .post_form(
            &client,
            "/cuenta",
            "/cuenta/eliminar",
            &[("password", "equivocada")],
        )
        .await;
    assert_eq!(r.status(), 403);
    let r = app
        .post_form(
            &client,
            "/cuenta",
            "/cuenta/eliminar",
            &[("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = client.get(app.url("/cuenta")).send().await.unwrap();
    assert_eq!(r.status(), 401, "signed out");
    let again = app.browser();
    let r = app
        .post_form(
            &again,
            "/entrar",
            "/entrar",
            &[
                ("email", "ciudadana@apertura.example"),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), 401, "the account is gone");
    // No trace of the address or the name anywhere in users or the audit log.
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = 'ciudadana@apertura.example' OR display_name = 'Ciudadana (demo)'")
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    assert_eq!(users, 0);
    let audit: i64 = sqlx::query_scalar(
        // The person's address and name, in any case (other entries may well
        // speak of "peticiones ciudadanas").
        "SELECT COUNT(*) FROM audit_log WHERE \
         LOWER(COALESCE(before_json, '') || COALESCE(after_json, '')) LIKE '%ciudadana@apertura.example%' \
         OR LOWER(COALESCE(before_json, '') || COALESCE(after_json, '')) LIKE '%ciudadana (demo)%'",
    )
    .fetch_one(app.app_state.db.pool())
    .await
    .unwrap();
    assert_eq!(audit, 0);
    let deleted: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'user' AND action = 'delete_account'",
    )
    .fetch_one(app.app_state.db.pool())
    .await
    .unwrap();
    assert_eq!(deleted, 1, "the deletion itself is audited");
    let ips: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.actor_user_id \
         WHERE u.display_name = 'Persona eliminada' AND a.ip IS NOT NULL AND a.action <> 'delete_account'",
    )
    .fetch_one(app.app_state.db.pool())
    .await
    .unwrap();
    assert_eq!(ips, 0, "the IP addresses of their past actions are erased");
    let attempts: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_attempts WHERE email = 'ciudadana@apertura.example'",
    )
    .fetch_one(app.app_state.db.pool())
    .await
    .unwrap();
    // The sign-in made before deletion is erased; only the failed one tried
    // after it (above) is recorded.
    assert_eq!(attempts, 1);
}

#[tokio::test]
async fn open_redirects_are_refused() {
    let app = spawn_app().await;
    let client = app.browser();
    let token = app.form_token(&client, "/entrar").await;
    let r = client
        .post(app.url("/entrar"))
        .form(&[
            ("email", "ciudadana@apertura.example"),
            ("password", DEMO_PASSWORD),
            ("siguiente", "//malicioso.example/robo"),
            ("_csrf", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/cuenta");
}
