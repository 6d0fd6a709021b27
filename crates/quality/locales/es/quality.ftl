quality-dataset-title = Calidad del conjunto de datos
quality-dataset-lead = Puntaje de 0 a 100 con la explicación de cada punto perdido y qué hacer para recuperarlo.
quality-back-dataset = Volver al conjunto de datos
quality-lost-summary = Pierde { $lost ->
    [one] 1 punto
   *[other] { $lost } puntos
  }; abajo se explica cada uno y cómo recuperarlo.
quality-full-marks = Tiene todos los puntos.
quality-overdue-badge = Actualización vencida
quality-computed-at = Calculado el { $date } (UTC).
quality-how = El puntaje se calcula solo, cada vez que cambia el conjunto o sus archivos y cada seis horas. Suma ocho criterios:
quality-points-of = { $points } de { $max } puntos
quality-not-yet = El puntaje de este conjunto todavía no se ha calculado; aparecerá en unos minutos.
quality-grade-excellent = Excelente
quality-grade-good = Buena
quality-grade-fair = Regular
quality-grade-poor = Insuficiente

quality-criterion-format = Formato abierto y legible por máquina
quality-criterion-format-about = Las cinco estrellas de los datos abiertos: los datos deben estar en un formato estructurado y abierto (CSV, JSON, ODS…), no solo en PDF o imágenes.
quality-criterion-licence = Licencia abierta
quality-criterion-licence-about = Una licencia abierta permite reutilizar los datos sin pedir permiso.
quality-criterion-metadata = Metadatos completos
quality-criterion-metadata-about = Lo que DCAT-AP pide o recomienda describir: descripción, tema, palabras clave, contacto, cobertura geográfica y periodo.
quality-criterion-dictionary = Diccionario de datos
quality-criterion-dictionary-about = Cada columna de cada tabla explicada: qué significa y en qué unidad está.
quality-criterion-validation = Tablas sin errores
quality-criterion-validation-about = Las tablas se cargan completas y sin errores de validación.
quality-criterion-freshness = Actualización a tiempo
quality-criterion-freshness-about = Declarar cada cuánto se actualiza y cumplirlo.
quality-criterion-readability = Descripción fácil de leer
quality-criterion-readability-about = Legibilidad de la descripción en español según la escala INFLESZ (Szigriszt-Pazos); se muestra también el índice de Fernández-Huerta.
quality-criterion-use = Uso
quality-criterion-use-about = Descargas de archivos y consultas a la API de datos.

quality-band-very-hard = muy difícil
quality-band-somewhat-hard = algo difícil
quality-band-normal = normal
quality-band-fairly-easy = bastante fácil
quality-band-very-easy = muy fácil

quality-loss-no-resources = El conjunto no tiene ningún archivo ni enlace a los datos.
quality-loss-format-not-structured = Los datos solo están en formatos que una máquina no puede leer como tabla ({ $formats }).
quality-loss-format-proprietary = Los datos están en un formato de un solo fabricante ({ $formats }), no en uno abierto.
quality-loss-licence-closed = La licencia «{ $licence }» no es abierta: nadie puede reutilizar los datos sin pedir permiso.
quality-loss-no-description = No tiene descripción, que DCAT-AP exige.
quality-loss-short-description = La descripción es muy corta ({ $chars } caracteres; se esperan al menos { $min }).
quality-loss-no-themes = No tiene tema.
quality-loss-no-keywords = No tiene palabras clave.
quality-loss-no-contact = No indica a quién preguntar (punto de contacto).
quality-loss-no-spatial = No indica qué territorio cubre.
quality-loss-no-temporal = No indica qué periodo cubre.
quality-loss-dictionary-incomplete = Solo { $described } de { $columns } columnas tienen descripción en el diccionario ({ $resources }).
quality-loss-load-failed = La tabla «{ $resource }» no se pudo cargar: { $error }
quality-loss-validation-errors = Las tablas tienen { $errors } errores de validación en { $rows } filas ({ $resources }).
quality-loss-no-frequency = No declara cada cuánto se actualiza, así que nadie sabe si está al día.
quality-loss-overdue = Se actualiza con frecuencia { $frequency } y lleva { $days } días de retraso (última actualización hace { $since } días).
quality-loss-overdue-long = Se actualiza con frecuencia { $frequency } y lleva { $days } días de retraso, más de un periodo completo (última actualización hace { $since } días).
quality-loss-readability-no-description = Sin descripción no se puede medir si se entiende.
quality-loss-readability-too-short = La descripción tiene { $words } palabras: es demasiado corta para explicar los datos (se esperan al menos { $min }).
quality-loss-readability-very-hard = La descripción es muy difícil de leer (INFLESZ { $inflesz }: { $band }; { $words_per_sentence } palabras por oración).
quality-loss-readability-hard = La descripción es algo difícil de leer (INFLESZ { $inflesz }: { $band }; { $words_per_sentence } palabras por oración).
quality-loss-not-public = Todavía no está publicado: nadie puede usarlo.
quality-loss-unused = Nadie lo ha descargado ni consultado todavía.
quality-loss-little-use = Se ha usado poco ({ $uses } descargas y consultas).

quality-fix-no-resources = Suba el archivo con los datos o agregue un enlace a ellos.
quality-fix-format-not-structured = Publique también los datos como tabla en CSV (se puede exportar desde cualquier hoja de cálculo).
quality-fix-format-proprietary = Agregue una versión en CSV u ODS junto al archivo de Excel.
quality-fix-licence-closed = Elija una licencia abierta, como CC BY 4.0 o la Licencia de Libre Uso MX.
quality-fix-no-description = Escriba qué contienen los datos, de dónde vienen y para qué sirven.
quality-fix-short-description = Amplíe la descripción: qué contiene, de dónde viene, cada cuánto cambia y para qué sirve.
quality-fix-no-themes = Elija al menos un tema.
quality-fix-no-keywords = Agregue palabras clave con las que la gente buscaría estos datos.
quality-fix-no-contact = Indique el nombre o correo del área que responde dudas.
quality-fix-no-spatial = Indique si cubre todo el estado o un municipio.
quality-fix-no-temporal = Indique las fechas de inicio y fin que cubren los datos.
quality-fix-dictionary-incomplete = Complete el diccionario de datos: describa cada columna y su unidad.
quality-fix-load-failed = Revise el reporte de la carga y suba una versión corregida del archivo.
quality-fix-validation-errors = Revise el reporte de validación y corrija las filas con errores.
quality-fix-no-frequency = Declare cada cuánto se actualiza el conjunto.
quality-fix-overdue = Suba la versión actualizada de los datos.
quality-fix-overdue-long = Suba la versión actualizada de los datos o corrija la frecuencia declarada.
quality-fix-readability-no-description = Escriba una descripción en lenguaje sencillo.
quality-fix-readability-too-short = Escriba al menos tres o cuatro oraciones que expliquen los datos.
quality-fix-readability-very-hard = Use oraciones cortas y palabras comunes; explique las siglas.
quality-fix-readability-hard = Acorte las oraciones y cambie las palabras técnicas por palabras comunes.
quality-fix-not-public = Publique el conjunto cuando esté listo.
quality-fix-unused = Difunda el conjunto: enlácelo desde su sitio y sus redes.
quality-fix-little-use = Difunda el conjunto entre quienes pueden usarlo.

quality-note-format-stars = Nivel { $stars } de las cinco estrellas de los datos abiertos.
quality-note-tables-pending = Las tablas se están cargando; se evaluarán al terminar.
quality-note-no-tables = No aplica: el conjunto no tiene tablas.
quality-note-validation-clean = { $rows } filas sin errores de validación.
quality-note-no-schedule = Se actualiza con frecuencia { $frequency }: no tiene fecha límite.
quality-note-on-time = Al día: frecuencia { $frequency }, última actualización hace { $days } días.
quality-note-readability-ok = Descripción { $band } de leer (INFLESZ { $inflesz }; { $words_per_sentence } palabras por oración).
quality-note-uses = { $downloads } descargas y { $api_calls } consultas a la API.

quality-stars = { $stars ->
    [one] 1 estrella de 5
   *[other] { $stars } estrellas de 5
  }
quality-card-title = Calidad de los datos
quality-card-link = Ver el desglose del puntaje
quality-card-body-title = Calidad de sus datos
quality-card-body-link = Ver el tablero de calidad
quality-state-title = Calidad de los datos abiertos del Estado de México
quality-state-lead = Cómo están los datos que publican los sujetos obligados: promedio, avance en el tiempo y clasificación.
quality-recomputing = Se están recalculando todos los puntajes; los resultados se actualizan en unos minutos.
quality-state-summary = Promedio de { $datasets ->
    [one] 1 conjunto publicado
   *[other] { $datasets } conjuntos publicados
  } por { $bodies ->
    [one] 1 sujeto obligado
   *[other] { $bodies } sujetos obligados
  }; { $overdue } con actualización vencida.
quality-by-criterion = Puntos promedio por criterio
quality-criteria-caption = Puntos promedio en cada criterio del puntaje
quality-criterion = Criterio
quality-average-points = Promedio
quality-trend = Tendencia
quality-trend-label = Puntaje promedio por día
quality-trend-caption = Puntaje promedio de los últimos { $days } días registrados (0 a 100).
quality-trend-none = La tendencia aparecerá cuando haya al menos dos días de registros.
quality-trend-table = Ver los datos de la gráfica
quality-day = Día
quality-datasets = Conjuntos
quality-average = Promedio
quality-overdue = Vencidos
quality-ranking = Clasificación de sujetos obligados
quality-body = Sujeto obligado
quality-nothing-yet = Todavía no hay conjuntos publicados con puntaje.
quality-method-title = Cómo se calcula
quality-method = Formato abierto (20 puntos), licencia abierta (10), metadatos completos (20), diccionario de datos (10), tablas sin errores (10), actualización a tiempo (15), descripción fácil de leer (10) y uso (5). Cada punto perdido se explica en la página de calidad de cada conjunto.
quality-recompute = Recalcular todos los puntajes ahora
quality-body-title = Calidad de los datos
quality-body-lead = Puntaje de los conjuntos de datos de este sujeto obligado y qué corregir primero.
quality-body-summary = Promedio de { $datasets ->
    [one] 1 conjunto publicado
   *[other] { $datasets } conjuntos publicados
  }; { $overdue ->
    [one] 1 con actualización vencida
   *[other] { $overdue } con actualización vencida
  }.
quality-position = Lugar { $position } de { $total } sujetos obligados.
quality-body-none = Todavía no tiene conjuntos publicados con puntaje.
quality-fix-next = Qué corregir primero
quality-fix-gain = Recupera hasta { $points } puntos en { $count ->
    [one] 1 conjunto
   *[other] { $count } conjuntos
  }.
quality-fix-more = y { $count } más
quality-body-datasets = Puntaje de cada conjunto
quality-dataset = Conjunto de datos
quality-score = Puntaje
quality-state = Estado
quality-not-public = No publicado
