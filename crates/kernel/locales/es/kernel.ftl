# Kernel: layout, errors and roles (español, idioma principal).

site-name = Apertura
institute-name = Infoem
institute-full-name = Instituto de Transparencia, Acceso a la Información Pública y Protección de Datos Personales del Estado de México y Municipios
site-tagline = Transparencia proactiva, datos abiertos y gobierno abierto en el Estado de México

layout-skip-link = Saltar al contenido principal
layout-nav-label = Navegación principal
layout-footer-nav-label = Información legal y de ayuda
layout-language-name = Español
layout-home-link = Apertura, página de inicio
layout-free-software = Apertura es software libre del Infoem.

error-not-found-title = Página no encontrada
error-not-found = No encontramos lo que busca. Puede que la dirección esté mal escrita o que el contenido se haya movido.
error-forbidden-title = Acceso denegado
error-forbidden = No tiene permiso para ver esta página o para realizar esta acción.
error-sign-in-required-title = Inicie sesión para continuar
error-sign-in-required = Esta página es sólo para personas registradas. Inicie sesión e intente de nuevo.
error-bad-request-title = Solicitud no válida
error-bad-request = La solicitud trae datos que no pudimos entender. Revise la dirección o el formulario e intente de nuevo.
error-method-not-allowed-title = Operación no permitida
error-method-not-allowed = Esta dirección no admite esa operación.
error-timeout-title = La solicitud tardó demasiado
error-timeout = La solicitud tardó más de lo permitido y se detuvo. Intente de nuevo; si sigue pasando, intente con menos datos.
error-too-large-title = Archivo o solicitud demasiado grande
error-too-large = Lo que envió supera el tamaño máximo permitido ({ $limit } bytes).
error-unsupported-media-type-title = Formato no admitido
error-unsupported-media-type = El formato de lo que envió no es uno de los que esta dirección acepta.
error-unprocessable-title = Datos no válidos
error-unprocessable = Algunos datos enviados no son válidos. Revíselos e intente de nuevo.
error-too-many-requests-title = Demasiadas solicitudes
error-too-many-requests = Recibimos demasiadas solicitudes seguidas. Espere un momento e intente de nuevo.
error-unavailable-title = Servicio no disponible por ahora
error-unavailable = El servicio no está disponible en este momento. Intente de nuevo en unos minutos.
error-internal-title = Ocurrió un error
error-internal = Ocurrió un error inesperado de nuestro lado. Ya quedó registrado; si se repite, comparta el folio con el Infoem.
error-request-id = Folio del error: { $id }
error-back-home = Volver a la página de inicio
error-status = Código { $status }

role-platform-admin = Administración de la plataforma (Infoem)
role-institute-reviewer = Revisión del Infoem
role-body-admin = Administración de un sujeto obligado
role-body-editor = Edición de un sujeto obligado
role-jury-member = Integrante de jurado
role-stl-member = Integrante de un Secretariado Técnico Local
role-citizen = Persona registrada
role-anonymous = Visitante

footer-privacy = Aviso de privacidad
footer-terms = Términos de uso
footer-accessibility = Accesibilidad
error-csrf-title = El formulario caducó
error-csrf = No pudimos verificar que el formulario venga de esta página (puede haber caducado). Vuelva a cargar la página e intente de nuevo.

nav-sign-in = Entrar
nav-account = Mi cuenta
nav-sign-out = Salir
nav-admin = Administración
