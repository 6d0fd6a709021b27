//! Browser tests: the real application driven by a real Chromium through
//! ChromeDriver (WebDriver), with axe-core as the accessibility engine.
//!
//! The HTTP tests check what the server sends; these check what people get:
//! that the pages render, that the progressive enhancement (the live table
//! filter) works on top of forms that work without JavaScript, that every
//! link can be reached with the keyboard in a sensible order with a visible
//! focus, that the pages pass axe's WCAG 2.1 A and AA rules at desktop and
//! phone widths, and that nothing overflows a phone screen sideways. They also
//! leave screenshots in `target/screenshots/` for humans to look at.
//!
//! They need Chromium, ChromeDriver and axe-core (`.ci/install-browser` puts
//! them in place), so they are ignored by default and `.ci/run` runs them with
//! `cargo test -p apertura --test browser -- --ignored`. Explicitly run without
//! those tools, they fail and say what is missing. Paths can be overridden
//! with `CHROMEDRIVER`, `CHROMIUM` and `AXE_CORE_JS`.

mod common;

use std::collections::BTreeSet;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

const DESKTOP: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (375, 800);
const WAIT: Duration = Duration::from_secs(10);

/// The pages axe checks at desktop width (the language switch goes last: it
/// leaves a cookie behind).
const AXE_PAGES: [&str; 22] = [
    "/",
    "/api",
    "/transparencia-proactiva",
    "/transparencia-proactiva/practicas/obra-publica-en-un-mapa",
    "/buscar",
    "/buscar?q=zacazonpan&sujeto=ayuntamiento-de-zacazonapan",
    "/buscar?q=xilofonoqwerty&tema=econ",
    "/municipios",
    "/sujetos-obligados",
    "/sujetos-obligados/ayuntamiento-de-zacazonapan",
    "/registro",
    "/entrar",
    "/recuperar",
    "/municipios?menos70=1&orden=poblacion&dir=desc",
    "/municipios/zacazonapan",
    "/datos",
    "/calidad",
    "/datos/poblacion-municipios-2020/calidad",
    "/sujetos-obligados/ayuntamiento-de-zacazonapan/calidad",
    "/aviso-de-privacidad",
    "/no-existe",
    "/?lang=en",
];

#[tokio::test]
#[ignore = "navegador: lo ejecuta .ci/run (Chromium + ChromeDriver)"]
async fn inicio_y_municipios_se_muestran() {
    with_browser(|page| async move {
        page.open("/").await;
        let h1 = page
            .client
            .find(Locator::Css("main h1"))
            .await
            .expect("h1 on /");
        assert!(
            !h1.text().await.expect("h1 text").trim().is_empty(),
            "empty h1 on /"
        );
        let mut nav = vec![];
        for link in page.find_all("header nav a").await {
            nav.push(link.text().await.expect("nav link text").trim().to_string());
        }
        assert_eq!(
            nav,
            [
                "Datos abiertos",
                "Transparencia proactiva",
                "Gobierno abierto",
                "Participación",
                "Municipios"
            ],
            "main navigation on /"
        );

        page.open("/municipios").await;
        assert_eq!(page.find_all("#tabla-municipios tbody tr").await.len(), 125);
        assert_eq!(
            page.text("#conteo-mostrados").await,
            "Se muestran 125 de 125 municipios."
        );

        // The filter form is a plain GET form: it works without JavaScript.
        page.client
            .find(Locator::Css("#menos70"))
            .await
            .expect("#menos70")
            .click()
            .await
            .expect("tick #menos70");
        page.client
            .find(Locator::Css("form.filters button[type=submit]"))
            .await
            .expect("submit button")
            .click()
            .await
            .expect("submit the filters");
        page.wait_for_js(
            "return location.search.includes('menos70=1') && document.readyState === 'complete';",
            "the filtered list to load",
        )
        .await;
        assert_eq!(page.find_all("#tabla-municipios tbody tr").await.len(), 80);
        assert_eq!(
            page.text("#conteo-mostrados").await,
            "Se muestran 80 de 125 municipios."
        );
        let checked = page
            .client
            .find(Locator::Css("#menos70"))
            .await
            .expect("#menos70")
            .is_selected()
            .await;
        assert!(
            checked.expect("checkbox state"),
            "#menos70 should stay ticked"
        );

        // With JavaScript, typing filters the rows in place.
        page.open("/municipios").await;
        page.client
            .find(Locator::Css("#q"))
            .await
            .expect("#q")
            .send_keys("zaca")
            .await
            .expect("type into #q");
        page.wait_for_js(
            "return [...document.querySelectorAll('#tabla-municipios tbody tr')]
                .filter(r => r.getClientRects().length > 0).length === 1;",
            "the live filter to leave one row",
        )
        .await;
        let visible = page
            .js(
                "return [...document.querySelectorAll('#tabla-municipios tbody tr')]
                    .filter(r => r.getClientRects().length > 0)
                    .map(r => r.querySelector('th a').textContent.trim());",
            )
            .await;
        assert_eq!(visible, json!(["Zacazonapan"]));
        assert_eq!(
            page.text("#conteo-mostrados").await,
            "Se muestran 1 de 125 municipios."
        );
    })
    .await;
}

#[tokio::test]
#[ignore = "navegador: lo ejecuta .ci/run (Chromium + ChromeDriver)"]
async fn busqueda_desde_cualquier_pagina_con_filtros_y_sugerencias() {
    with_browser(|page| async move {
        // The box in the header of any page, as typed on a phone: no accents.
        page.resize(PHONE).await;
        page.open("/municipios").await;
        page.fill("#caja-busqueda", "obras publicas").await;
        page.click("form.site-search button[type=submit]").await;
        page.wait_for_path("/buscar").await;
        let mut found = vec![];
        for a in page.find_all("ol.hits li h2 a").await {
            found.push(a.text().await.expect("hit title"));
        }
        assert!(
            found.iter().any(|t| t.contains("Obra pública de Zacazonapan")),
            "{found:?}"
        );
        let overflow = page.js(OVERFLOW_JS).await;
        assert!(
            overflow["scroll"].as_f64().unwrap_or(0.0) <= overflow["inner"].as_f64().unwrap_or(0.0) + 1.0,
            "/buscar scrolls sideways on a phone: {}",
            overflow["wide"]
        );
        assert_eq!(page.axe("/buscar (teléfono)").await, "");
        // A facet is a link: it narrows, and a chip undoes it.
        page.resize(DESKTOP).await;
        page.click("#faceta-formato + ul a").await;
        page.wait_for_js(
            "return document.readyState === 'complete' && location.search.includes('formato=');",
            "the format filter",
        )
        .await;
        assert_eq!(page.find_all("ul.chips li").await.len(), 2, "one chip and 'remove all'");
        page.click("ul.chips li a").await;
        page.wait_for_js(
            "return document.readyState === 'complete' && !location.search.includes('formato=');",
            "the filter removed",
        )
        .await;
        // With JavaScript, the box suggests as one types.
        page.fill("#buscar-q", "zacaz").await;
        page.wait_for_js(
            "return [...document.querySelectorAll('#buscar-q-sugerencias option')].some(o => o.value === 'zacazonapan');",
            "suggestions in the datalist",
        )
        .await;
    })
    .await;
}

#[tokio::test]
#[ignore = "navegador: lo ejecuta .ci/run (Chromium + ChromeDriver)"]
async fn teclado_alcanza_todos_los_enlaces() {
    with_browser(|page| async move {
        for path in ["/", "/municipios"] {
            check_keyboard(&page, path).await;
        }
    })
    .await;
}

#[tokio::test]
#[ignore = "navegador: lo ejecuta .ci/run (Chromium + ChromeDriver)"]
async fn axe_sin_violaciones_wcag_aa() {
    with_browser(|page| async move {
        assert_eq!(
            page.status("/no-existe").await,
            404,
            "/no-existe should be a 404"
        );
        let mut report = String::new();
        for path in AXE_PAGES {
            page.open(path).await;
            let h1 = page.find_all("main h1").await;
            assert_eq!(h1.len(), 1, "{path} should have exactly one h1 in main");
            report.push_str(&page.axe(path).await);
        }
        let lang = page.js("return document.documentElement.lang;").await;
        assert_eq!(lang, json!("en"), "/?lang=en should render in English");
        assert!(
            report.is_empty(),
            "axe found WCAG 2.1 A/AA violations:\n{report}"
        );
    })
    .await;
}

#[tokio::test]
#[ignore = "navegador: lo ejecuta .ci/run (Chromium + ChromeDriver)"]
async fn movil_sin_desbordamiento_horizontal() {
    with_browser(|page| async move {
        page.resize(PHONE).await;
        let mut report = String::new();
        for path in [
            "/",
            "/municipios",
            "/municipios/zacazonapan",
            "/calidad",
            "/datos/poblacion-municipios-2020/calidad",
        ] {
            page.open(path).await;
            let width = page.js("return window.innerWidth;").await;
            assert_eq!(width, json!(PHONE.0), "viewport width on {path}");
            let overflow = page.js(OVERFLOW_JS).await;
            let scroll = overflow["scroll"].as_f64().expect("scrollWidth");
            let inner = overflow["inner"].as_f64().expect("innerWidth");
            assert!(
                scroll <= inner + 1.0,
                "{path} scrolls sideways: scrollWidth {scroll} > innerWidth {inner}; too wide: {}",
                overflow["wide"]
            );
            if path == "/municipios" {
                // The table may be wider than the phone, but only inside its
                // own scrolling container.
                let wrap = page.js(TABLE_WRAP_JS).await;
                let right = wrap["right"].as_f64().expect("right");
                assert!(right <= inner + 1.0, ".table-wrap is wider than the screen");
                assert_eq!(
                    wrap["overflowX"],
                    json!("auto"),
                    ".table-wrap should scroll the table"
                );
                report.push_str(&page.axe(&format!("{path} ({}px)", PHONE.0)).await);
            }
        }
        assert!(
            report.is_empty(),
            "axe found WCAG 2.1 A/AA violations on the phone:\n{report}"
        );
    })
    .await;
}

#[tokio::test]
#[ignore = "navegador: lo ejecuta .ci/run (Chromium + ChromeDriver)"]
async fn capturas_de_pantalla() {
    with_browser(|page| async move {
        let dir = workspace_root().join("target").join("screenshots");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        for (size, device) in [(DESKTOP, "escritorio"), (PHONE, "movil")] {
            for (path, name) in [
                ("/", "inicio"),
                ("/municipios", "municipios"),
                ("/buscar?q=obras+publicas", "busqueda"),
            ] {
                page.resize(size).await;
                page.open(path).await;
                // Grow the window to the whole page so the picture shows it
                // all. The window is taller than the viewport by its frame,
                // and the page gets shorter once it no longer needs a
                // scrollbar, hence the second pass.
                for _ in 0..2 {
                    let sizes = page
                        .js("return [
                               Math.ceil(document.body.getBoundingClientRect().height),
                               outerHeight - innerHeight
                             ];")
                        .await;
                    let height =
                        sizes[0].as_u64().expect("body height") + sizes[1].as_u64().unwrap_or(0);
                    let height = height.clamp(u64::from(size.1), 16_000);
                    page.resize((size.0, u32::try_from(height).expect("height")))
                        .await;
                }
                let png = page.client.screenshot().await.expect("screenshot");
                assert_eq!(png.get(..8), Some(&b"\x89PNG\r\n\x1a\n"[..]), "not a PNG");
                let png_width = u32::from_be_bytes(png[16..20].try_into().expect("IHDR width"));
                assert_eq!(png_width, size.0, "screenshot width of {path} on {device}");
                let file = dir.join(format!("{name}-{device}.png"));
                std::fs::write(&file, &png)
                    .unwrap_or_else(|e| panic!("write {}: {e}", file.display()));
                println!("screenshot: {}", file.display());
            }
        }
    })
    .await;
}

/// Tabs through `path` from the top and checks that every visible focusable
/// element is reached, in document order, with a visible focus indicator, and
/// that the first stop is the skip link, which moves focus to the content.
async fn check_keyboard(page: &Page, path: &str) {
    page.open(path).await;
    let focusables = page.js(TAG_FOCUSABLES_JS).await;
    let focusables = focusables.as_array().expect("focusable list").clone();
    assert!(
        focusables.len() > 5,
        "{path}: too few focusable elements: {focusables:?}"
    );

    let mut order: Vec<usize> = vec![];
    let mut problems: Vec<String> = vec![];
    for _ in 0..focusables.len() + 10 {
        page.press(Key::Tab).await;
        let active = page.active_element().await;
        let Some(index) = active["index"]
            .as_str()
            .and_then(|i| i.parse::<usize>().ok())
        else {
            if active.is_null() && !order.is_empty() {
                break; // focus left the document: a full cycle
            }
            problems.push(format!("focus went to an unlisted element: {active}"));
            continue;
        };
        if order.first() == Some(&index) {
            break; // wrapped around
        }
        if !active["indicator"].as_bool().unwrap_or(false) {
            problems.push(format!(
                "no visible focus indicator on {}",
                focusables[index]
            ));
        }
        if let Some(&last) = order.last() {
            if index <= last {
                problems.push(format!(
                    "focus order goes back from {} to {}",
                    focusables[last], focusables[index]
                ));
            }
        }
        order.push(index);
    }

    assert_eq!(
        order.first(),
        Some(&0),
        "{path}: the first Tab should reach the first element"
    );
    assert_eq!(
        focusables[0]["href"],
        json!("#contenido"),
        "{path}: the first element should be the skip link"
    );
    assert_eq!(
        focusables[0]["text"],
        json!("Saltar al contenido principal")
    );
    let reached: BTreeSet<usize> = order.iter().copied().collect();
    let missed: Vec<&Value> = focusables
        .iter()
        .enumerate()
        .filter(|(i, _)| !reached.contains(i))
        .map(|(_, f)| f)
        .collect();
    assert!(
        missed.is_empty(),
        "{path}: Tab never reached {} elements: {missed:#?}",
        missed.len()
    );
    assert!(
        focusables.iter().any(|f| f["link"] == json!(true)),
        "{path}: no links found"
    );
    println!(
        "keyboard {path}: {} Tab stops, {} focusable elements, all reached",
        order.len(),
        focusables.len()
    );
    assert!(
        problems.is_empty(),
        "{path}: keyboard problems:\n{}",
        problems.join("\n")
    );

    // The skip link: the first Tab shows it, Enter moves focus to <main>.
    page.open(path).await;
    page.press(Key::Tab).await;
    let first = page
        .js("return document.activeElement.textContent.trim();")
        .await;
    assert_eq!(
        first,
        json!("Saltar al contenido principal"),
        "{path}: first Tab"
    );
    let shown = page
        .js("const r = document.activeElement.getBoundingClientRect();
             return r.top >= 0 && r.bottom <= innerHeight;")
        .await;
    assert_eq!(
        shown,
        json!(true),
        "{path}: the focused skip link should be on screen"
    );
    page.press(Key::Enter).await;
    page.wait_for_js(
        "return document.activeElement && document.activeElement.matches('main#contenido');",
        "the skip link to focus main#contenido",
    )
    .await;
    page.press(Key::Tab).await;
    let inside = page
        .js("return document.getElementById('contenido').contains(document.activeElement);")
        .await;
    assert_eq!(
        inside,
        json!(true),
        "{path}: Tab after the skip link should stay in the content"
    );
}

#[tokio::test]
#[ignore = "navegador: lo ejecuta .ci/run (Chromium + ChromeDriver)"]
async fn registro_confirmacion_invitacion_y_salida() {
    with_browser(|page| async move {
        let email = "lucia.hernandez@municipio.example";
        let password = "una frase larga para entrar";
        // Register.
        page.open("/registro").await;
        assert_eq!(page.axe("/registro").await, "");
        page.fill("#f-name", "Lucía Hernández Ñeco").await;
        page.fill("#f-email", email).await;
        page.fill("#f-password", password).await;
        page.fill("#f-password2", password).await;
        page.click("#f-privacy").await;
        page.click("main form button[type=submit]").await;
        page.wait_for_js(
            "return document.body.innerText.includes('Revise su correo');",
            "the check-your-mail page",
        )
        .await;
        // Confirm with the link from the e-mail.
        let link = page.mailed_link(email).await;
        page.client
            .goto(&link)
            .await
            .expect("open the confirmation link");
        page.wait_for_path("/entrar").await;
        assert!(page
            .text("main")
            .await
            .contains("Su correo quedó confirmado"));
        assert_eq!(page.axe("/entrar").await, "");
        // Sign in.
        page.fill("#f-email", email).await;
        page.fill("#f-password", password).await;
        page.click("main form button[type=submit]").await;
        page.wait_for_path("/cuenta").await;
        assert!(page.text("main").await.contains("Lucía Hernández Ñeco"));
        assert_eq!(page.axe("/cuenta").await, "");
        // The body's administrator invites her (over HTTP, as another person).
        let admin = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let url = |p: &str| format!("{}{p}", page.base_url);
        let html = admin
            .get(url("/entrar"))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body");
        let token = common::csrf_in(&html);
        let r = admin
            .post(url("/entrar"))
            .form(&[
                ("email", "enlace.zacazonapan@apertura.example"),
                ("password", accounts::DEMO_PASSWORD),
                ("_csrf", token.as_str()),
            ])
            .send()
            .await
            .expect("sign in");
        assert_eq!(r.status(), 303);
        let members = "/sujetos-obligados/ayuntamiento-de-zacazonapan/miembros";
        let html = admin
            .get(url(members))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body");
        let token = common::csrf_in(&html);
        let r = admin
            .post(url(
                "/sujetos-obligados/ayuntamiento-de-zacazonapan/invitaciones",
            ))
            .form(&[
                ("email", email),
                ("role", "body-editor"),
                ("_csrf", token.as_str()),
            ])
            .send()
            .await
            .expect("invite");
        assert_eq!(r.status(), 200);
        // She accepts it in her browser.
        let link = page.mailed_link(email).await;
        assert!(link.contains("/invitaciones/"), "{link}");
        page.client.goto(&link).await.expect("open the invitation");
        assert!(page
            .text("main")
            .await
            .contains("Ayuntamiento de Zacazonapan"));
        assert_eq!(page.axe("invitation").await, "");
        page.click("main form button[type=submit]").await;
        page.wait_for_path("/cuenta").await;
        assert!(page
            .text("#sujetos + ul")
            .await
            .contains("Ayuntamiento de Zacazonapan"));
        // Sign out from the header.
        page.click("header form[action='/salir'] button[type=submit]")
            .await;
        page.wait_for_path("/entrar").await;
        assert!(page.text("main").await.contains("Salió de su cuenta"));
        // The browser's session is over: the account page asks to sign in.
        page.open("/cuenta").await;
        assert!(page.text("main h1").await.contains("Inicie sesión"));
    })
    .await;
}

#[tokio::test]
#[ignore = "navegador: lo ejecuta .ci/run (Chromium + ChromeDriver)"]
async fn paginas_de_administracion_accesibles() {
    with_browser(|page| async move {
        page.open("/entrar").await;
        page.fill("#f-email", "admin@apertura.example").await;
        page.fill("#f-password", accounts::DEMO_PASSWORD).await;
        page.click("main form button[type=submit]").await;
        page.wait_for_path("/cuenta").await;
        let mut report = String::new();
        for path in [
            "/cuenta",
            "/admin",
            "/admin/auditoria",
            "/admin/auditoria?entidad=body",
            "/admin/correos",
            "/admin/trabajos",
            "/admin/sujetos-obligados",
            "/admin/sujetos-obligados/nuevo",
            "/admin/sujetos-obligados/ayuntamiento-de-zacazonapan/editar",
            "/sujetos-obligados/ayuntamiento-de-zacazonapan/miembros",
        ] {
            page.open(path).await;
            report.push_str(&page.axe(path).await);
        }
        // A form sent with errors: the messages beside the fields pass too.
        page.open("/admin/sujetos-obligados/nuevo").await;
        page.fill("#f-contact_email", "no-es-correo").await;
        page.click("main form button[type=submit]").await;
        page.wait_for_js(
            "return document.querySelector('.error-summary') !== null;",
            "the error summary",
        )
        .await;
        report.push_str(&page.axe("form with errors").await);
        assert!(report.is_empty(), "axe violations:\n{report}");
    })
    .await;
}

#[tokio::test]
#[ignore = "navegador: lo ejecuta .ci/run (Chromium + ChromeDriver)"]
async fn practica_registrada_evaluada_y_publicada() {
    with_browser(|page| async move {
        let mut report = String::new();
        // The body registers a practice.
        page.open("/entrar").await;
        page.fill("#f-email", "editor.zacazonapan@apertura.example")
            .await;
        page.fill("#f-password", accounts::DEMO_PASSWORD).await;
        page.click("main form button[type=submit]").await;
        page.wait_for_path("/cuenta").await;
        page.open("/transparencia-proactiva/practicas/nueva").await;
        report.push_str(&page.axe("practice form").await);
        page.fill("#f-title", "Calendario de recolección de basura")
            .await;
        page.fill(
            "#f-problem",
            "Las familias no saben qué día pasa el camión de la basura.",
        )
        .await;
        page.fill(
            "#f-population",
            "Habitantes de la cabecera municipal y sus barrios.",
        )
        .await;
        page.click("#f-demand-solicitudes").await;
        page.fill(
            "#f-demand_evidence",
            "24 solicitudes de acceso en 2025 preguntaron por los horarios.",
        )
        .await;
        page.click("input[name=datasets]").await;
        page.fill("#f-links", "https://zacazonapan.gob.mx/basura")
            .await;
        page.click("main form button[type=submit]").await;
        let path = "/transparencia-proactiva/practicas/calendario-de-recoleccion-de-basura";
        page.wait_for_path(path).await;
        page.click("main form button[type=submit]").await;
        page.wait_for_js(
            "return document.body.textContent.includes('En evaluación');",
            "the practice sent",
        )
        .await;
        // The institute evaluates it with the rubric.
        page.client.delete_all_cookies().await.expect("sign out");
        page.open("/entrar").await;
        page.fill("#f-email", "revision@apertura.example").await;
        page.fill("#f-password", accounts::DEMO_PASSWORD).await;
        page.click("main form button[type=submit]").await;
        page.wait_for_path("/cuenta").await;
        page.open(&format!("{path}/evaluar")).await;
        report.push_str(&page.axe("evaluation form").await);
        for radio in page
            .find_all("input[type=radio][name^=level-][value='2']")
            .await
        {
            radio.click().await.expect("choose a level");
        }
        page.fill("#f-comment", "Práctica clara y útil.").await;
        page.click("#f-decision-publish").await;
        page.click("main form button[type=submit]").await;
        page.wait_for_path(path).await;
        // Anyone sees the result.
        page.client.delete_all_cookies().await.expect("sign out");
        page.open(path).await;
        let text = page.text("main").await;
        assert!(text.contains("100 de 100"), "{text}");
        assert!(text.contains("Evaluada"), "{text}");
        report.push_str(&page.axe("practice with its result").await);
        assert!(report.is_empty(), "axe violations:\n{report}");
    })
    .await;
}

/// A browser tab on a running Apertura.
#[derive(Clone)]
struct Page {
    client: Client,
    http: reqwest::Client,
    base_url: String,
    axe_source: std::sync::Arc<String>,
    /// The application's database (to read the e-mail outbox, as a person
    /// would read their inbox).
    db: kernel::db::Db,
}

impl Page {
    async fn fill(&self, css: &str, text: &str) {
        let field = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"));
        field.clear().await.expect("clear");
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Waits until the browser shows `path` (after a form submission).
    async fn wait_for_path(&self, path: &str) {
        self.wait_for_js(
            &format!(
                "return document.readyState === 'complete' && location.pathname === {path:?};"
            ),
            &format!("the page {path}"),
        )
        .await;
    }

    /// The link in the newest e-mail to `to`, as its recipient would follow it.
    async fn mailed_link(&self, to: &str) -> String {
        let start = Instant::now();
        loop {
            let mails = kernel::mail::recent(&self.db, 20).await.expect("outbox");
            if let Some(m) = mails.into_iter().find(|m| m.to_addr == to) {
                let at = m.body.find(&self.base_url).expect("a link in the e-mail");
                return m.body[at..]
                    .split_whitespace()
                    .next()
                    .expect("link")
                    .to_string();
            }
            assert!(start.elapsed() < WAIT, "no e-mail to {to}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn open(&self, path: &str) {
        let url = format!("{}{path}", self.base_url);
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// The HTTP status of `path`, fetched outside the browser.
    async fn status(&self, path: &str) -> u16 {
        let url = format!("{}{path}", self.base_url);
        let response = self.http.get(&url).send().await;
        response
            .unwrap_or_else(|e| panic!("GET {url}: {e}"))
            .status()
            .as_u16()
    }

    async fn resize(&self, (width, height): (u32, u32)) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("set window size");
    }

    async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    async fn find_all(&self, css: &str) -> Vec<fantoccini::elements::Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"))
    }

    async fn text(&self, css: &str) -> String {
        let element = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"));
        element.text().await.expect("text").trim().to_string()
    }

    /// Polls `script` until it returns `true`.
    async fn wait_for_js(&self, script: &str, what: &str) {
        let start = Instant::now();
        loop {
            if self.js(script).await == json!(true) {
                return;
            }
            assert!(start.elapsed() < WAIT, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn press(&self, key: Key) {
        let key = char::from(key);
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client.perform_actions(keys).await.expect("press key");
    }

    /// The focused element, or null when focus is on the body or outside the
    /// page: its `data-focus-index` and whether its focus can be seen.
    async fn active_element(&self) -> Value {
        self.js(ACTIVE_ELEMENT_JS).await
    }

    /// Runs axe's WCAG 2.1 A and AA rules on the current page; returns the
    /// violations as text (empty when there are none).
    async fn axe(&self, label: &str) -> String {
        self.client
            .execute(&self.axe_source, vec![])
            .await
            .expect("inject axe-core");
        let result = self
            .client
            .execute_async(RUN_AXE_JS, vec![])
            .await
            .expect("run axe-core");
        if let Some(error) = result.get("error") {
            panic!("axe-core failed on {label}: {error}");
        }
        let violations = result["violations"].as_array().expect("violations").clone();
        println!(
            "axe {label}: {} rules pass, {} violations, needs review: {}",
            result["passes"],
            violations.len(),
            result["incomplete"]
        );
        let mut report = String::new();
        for v in violations {
            report.push_str(&format!(
                "{label}: {} [{}] {} ({} nodes) at {}\n    {}\n",
                v["id"].as_str().unwrap_or_default(),
                v["impact"].as_str().unwrap_or_default(),
                v["help"].as_str().unwrap_or_default(),
                v["count"],
                v["targets"],
                v["summary"]
                    .as_str()
                    .unwrap_or_default()
                    .replace('\n', "\n    "),
            ));
        }
        report
    }
}

/// Starts the app, ChromeDriver and a Chromium session, runs `test`, and
/// closes the session even when `test` panics (then re-raises the panic).
async fn with_browser<F, Fut>(test: F)
where
    F: FnOnce(Page) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let axe_path = std::env::var_os("AXE_CORE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".ci/node/node_modules/axe-core/axe.min.js"));
    let axe_source = std::fs::read_to_string(&axe_path).unwrap_or_else(|e| {
        panic!(
            "cannot read axe-core at {} ({e}); run .ci/install-browser or set AXE_CORE_JS",
            axe_path.display()
        )
    });
    let app = common::spawn_app().await;
    // The demo indexed, so that searches find it.
    app.settle().await;
    let mut driver = ChromeDriver::start().await;
    let profile = tempfile::tempdir().expect("profile dir");
    let client = driver.session(profile.path()).await;
    let page = Page {
        client: client.clone(),
        http: app.client.clone(),
        base_url: app.base_url.clone(),
        axe_source: std::sync::Arc::new(axe_source),
        db: app.app_state.db.clone(),
    };
    let outcome = tokio::spawn(test(page)).await;
    let _ = client.close().await;
    let _ = driver.child.kill().await;
    drop(app);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// A ChromeDriver process on a free local port.
struct ChromeDriver {
    child: tokio::process::Child,
    url: String,
}

impl ChromeDriver {
    async fn start() -> ChromeDriver {
        let binary = env_path("CHROMEDRIVER", "/usr/bin/chromedriver");
        assert!(
            binary.is_file(),
            "ChromeDriver not found at {}; run .ci/install-browser or set CHROMEDRIVER",
            binary.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut child = tokio::process::Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
        let url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().expect("chromedriver status") {
                panic!("{} exited before answering: {status}", binary.display());
            }
            if let Ok(r) = http.get(format!("{url}/status")).send().await {
                if let Ok(status) = r.json::<Value>().await {
                    if status["value"]["ready"] == json!(true) {
                        break;
                    }
                }
            }
            assert!(
                start.elapsed() < WAIT,
                "ChromeDriver at {url} did not become ready"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        ChromeDriver { child, url }
    }

    /// A new headless Chromium session with a fresh profile in `profile`, in
    /// Mexican Spanish (the platform negotiates `Accept-Language`).
    async fn session(&self, profile: &Path) -> Client {
        let chromium = env_path("CHROMIUM", "/usr/bin/chromium");
        assert!(
            chromium.is_file(),
            "Chromium not found at {}; run .ci/install-browser or set CHROMIUM",
            chromium.display()
        );
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    format!("--window-size={},{}", DESKTOP.0, DESKTOP.1),
                    format!("--user-data-dir={}", profile.display()),
                    "--lang=es-MX",
                ],
                "prefs": { "intl.accept_languages": "es-MX,es" },
            },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("capabilities are an object")
        };
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start Chromium ({}) through ChromeDriver: {e}",
                    chromium.display()
                )
            })
    }
}

fn env_path(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("workspace root")
        .to_path_buf()
}

/// Numbers every visible, keyboard-focusable element in document order
/// (`data-focus-index`) and describes them.
const TAG_FOCUSABLES_JS: &str = r#"
const selector = 'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]';
const visible = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
const items = [];
for (const e of document.querySelectorAll(selector)) {
  if (e.disabled || e.tabIndex < 0 || !visible(e)) continue;
  e.setAttribute('data-focus-index', String(items.length));
  const text = e.textContent || e.getAttribute('aria-label') || e.id || '';
  items.push({
    tag: e.tagName.toLowerCase(),
    link: e.matches('a[href]'),
    href: e.getAttribute('href'),
    text: text.trim().replace(/\s+/g, ' ').slice(0, 60),
  });
}
return items;
"#;

/// The focused element's `data-focus-index` and whether its focus shows (an
/// outline or a box shadow), or null when nothing in the page has focus.
const ACTIVE_ELEMENT_JS: &str = r#"
const e = document.activeElement;
if (!document.hasFocus() || !e || e === document.body || e === document.documentElement) {
  return null;
}
const s = getComputedStyle(e);
const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
return {
  index: e.getAttribute('data-focus-index'),
  tag: e.tagName.toLowerCase(),
  id: e.id,
  indicator: outline || s.boxShadow !== 'none',
};
"#;

/// Runs axe-core (already injected) with the WCAG 2.0/2.1 A and AA rules.
const RUN_AXE_JS: &str = r#"
const done = arguments[arguments.length - 1];
const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const firstMessage = n => (n.any.concat(n.all, n.none)[0] || {}).message;
axe.run(document, { runOnly: { type: 'tag', values: tags } })
  .then(r => done({
    passes: r.passes.length,
    incomplete: r.incomplete.map(v => v.id + ' (' + v.nodes.length + ' nodes, e.g. '
      + v.nodes.slice(0, 2).map(n => n.target.join(' ') + ': ' + firstMessage(n)).join('; ')
      + ')'),
    violations: r.violations.map(v => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      count: v.nodes.length,
      targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
      summary: v.nodes.length ? v.nodes[0].failureSummary : '',
    })),
  }))
  .catch(e => done({ error: String(e) }));
"#;

/// How wide the document is against the viewport, and the first elements
/// (outside the table's scrolling container) that stick out.
const OVERFLOW_JS: &str = r#"
return {
  scroll: document.documentElement.scrollWidth,
  inner: window.innerWidth,
  wide: [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                 && !e.closest('.table-wrap, .visually-hidden, .skip-link'))
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + '.' + (e.getAttribute('class') || '')),
};
"#;

/// Where the table's container ends and how it handles overflow.
const TABLE_WRAP_JS: &str = r#"
const w = document.querySelector('.table-wrap');
return { right: w.getBoundingClientRect().right, overflowX: getComputedStyle(w).overflowX };
"#;
