nav-open-data = Datos abiertos
nav-proactive = Transparencia proactiva
nav-open-government = Gobierno abierto
nav-participation = Participación

home-title = Inicio
home-heading = Información pública útil, abierta para todas las personas
home-lead = Apertura es la plataforma del Infoem para la transparencia proactiva, los datos abiertos y el gobierno abierto en el Estado de México: los sujetos obligados publican información útil más allá de lo que exige la ley, el Infoem la evalúa y la ciudadanía la encuentra, la consulta y pide lo que necesita.
home-facts-label = El Estado de México en cifras
home-fact-municipalities = municipios en el Estado de México
home-fact-small = municipios con menos de { $threshold } habitantes, a los que el Infoem puede alojar su información proactiva
home-sections = Secciones
home-municipalities-card = Los 125 municipios con su población, y los que tienen menos de 70,000 habitantes.
home-about-heading = Sobre Apertura
home-about = Apertura lleva a la práctica el plan de trabajo de la Comisión de Gobierno Abierto y Transparencia Proactiva del Infoem: datos abiertos, prácticas de transparencia proactiva evaluadas, planes de acción co-creados con los Secretariados Técnicos Locales, participación ciudadana y reconocimiento de buenas prácticas.

section-open-data-title = Datos abiertos
section-open-data-summary = Conjuntos de datos de los sujetos obligados para consultar, descargar y reutilizar.
section-open-data-lead = Conjuntos de datos publicados por los sujetos obligados del Estado de México en formatos abiertos, con su historial de versiones, vista previa y acceso por API.
section-open-data-item-1 = Un catálogo con búsqueda en español por tema, institución, municipio y formato.
section-open-data-item-2 = Vista previa de cada tabla, descarga de cada versión y una API compatible con CKAN.
section-open-data-item-3 = Publicación en la plataforma del Infoem para los municipios que no cuentan con servidores propios.
section-open-data-status = El catálogo de datos abiertos se habilitará en esta sección.

section-proactive-title = Transparencia proactiva
section-proactive-summary = Información útil que las instituciones publican más allá del mínimo legal, evaluada por el Infoem.
section-proactive-lead = Información de interés público que los sujetos obligados publican además de sus obligaciones de transparencia, identificada a partir de lo que la sociedad pide y evaluada por el Infoem.
section-proactive-item-1 = Prácticas de transparencia proactiva de cada sujeto obligado, con su evaluación.
section-proactive-item-2 = Solicitudes ciudadanas de información que se quisiera ver publicada, con la respuesta de cada institución.
section-proactive-item-3 = Indicadores de calidad de la información publicada.
section-proactive-status = Las prácticas y su evaluación se publicarán en esta sección.

section-open-government-title = Gobierno abierto
section-open-government-summary = Planes de acción co-creados por gobierno y sociedad, con el avance de cada compromiso.
section-open-government-lead = Los Secretariados Técnicos Locales, integrados por gobierno, sociedad civil e Infoem, co-crean planes de acción estatales y municipales y dan seguimiento público a sus compromisos.
section-open-government-item-1 = Los Secretariados Técnicos Locales, sus sesiones y sus acuerdos.
section-open-government-item-2 = Los planes de acción, sus compromisos y el avance de cada hito, con evidencia.
section-open-government-item-3 = Un mapa de los municipios con secretariado y plan de acción.
section-open-government-status = El seguimiento de los planes de acción se publicará en esta sección.

section-participation-title = Participación
section-participation-summary = Mesas de diálogo, consultas, convocatorias y reconocimientos.
section-participation-lead = Espacios para que la ciudadanía, la academia y la sociedad civil opinen, propongan y participen en las decisiones públicas.
section-participation-item-1 = Mesas de diálogo y consultas con respuesta pública a cada propuesta.
section-participation-item-2 = Convocatorias, como el Reconocimiento de Prácticas de Transparencia Proactiva y el certamen de ensayo.
section-participation-item-3 = Cursos, eventos y materiales de capacitación.
section-participation-status = Las consultas y convocatorias se publicarán en esta sección.

section-what = Qué encontrará aquí
section-meanwhile = Mientras tanto, puede consultar la lista de municipios del Estado de México.

legal-updated = Última actualización: noviembre de 2026.
