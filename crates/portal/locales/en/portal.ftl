nav-open-data = Open data
nav-proactive = Proactive transparency
nav-open-government = Open government
nav-participation = Participation

home-title = Home
home-heading = Useful public information, open to everyone
home-lead = Apertura is Infoem's platform for proactive transparency, open data and open government in the State of Mexico: public bodies publish useful information beyond what the law requires, Infoem evaluates it, and people find it, query it and ask for what they need.
home-facts-label = The State of Mexico in figures
home-fact-municipalities = municipalities in the State of Mexico
home-fact-small = municipalities with fewer than { $threshold } inhabitants, whose proactive information Infoem can host
home-sections = Sections
home-municipalities-card = The 125 municipalities with their population, and those with fewer than 70,000 inhabitants.
home-about-heading = About Apertura
home-about = Apertura carries out the work plan of Infoem's Commission for Open Government and Proactive Transparency: open data, evaluated proactive-transparency practices, action plans co-created with the Local Technical Secretariats, citizen participation and recognition of good practices.

section-open-data-title = Open data
section-open-data-summary = Datasets from public bodies to query, download and reuse.
section-open-data-lead = Datasets published by the public bodies of the State of Mexico in open formats, with their version history, preview and API access.
section-open-data-item-1 = A catalog searchable in Spanish by theme, body, municipality and format.
section-open-data-item-2 = A preview of every table, a download of every version and a CKAN-compatible API.
section-open-data-item-3 = Publishing on Infoem's platform for municipalities without servers of their own.
section-open-data-status = The open-data catalog will open in this section.

section-proactive-title = Proactive transparency
section-proactive-summary = Useful information that institutions publish beyond the legal minimum, evaluated by Infoem.
section-proactive-lead = Information of public interest that public bodies publish in addition to their transparency obligations, identified from what society asks for and evaluated by Infoem.
section-proactive-item-1 = Each public body's proactive-transparency practices, with their evaluation.
section-proactive-item-2 = Citizens' requests for information they would like to see published, with each institution's answer.
section-proactive-item-3 = Quality indicators of the published information.
section-proactive-status = Practices and their evaluation will be published in this section.

section-open-government-title = Open government
section-open-government-summary = Action plans co-created by government and society, with the progress of each commitment.
section-open-government-lead = The Local Technical Secretariats, made up of government, civil society and Infoem, co-create state and municipal action plans and follow their commitments up in public.
section-open-government-item-1 = The Local Technical Secretariats, their sessions and their agreements.
section-open-government-item-2 = Action plans, their commitments and the progress of each milestone, with evidence.
section-open-government-item-3 = A map of the municipalities with a secretariat and an action plan.
section-open-government-status = Follow-up of the action plans will be published in this section.

section-participation-title = Participation
section-participation-summary = Dialogue tables, consultations, calls and recognitions.
section-participation-lead = Spaces for citizens, academia and civil society to give their opinion, make proposals and take part in public decisions.
section-participation-item-1 = Dialogue tables and consultations with a public answer to every proposal.
section-participation-item-2 = Calls, such as the Recognition of Proactive Transparency Practices and the essay contest.
section-participation-item-3 = Courses, events and training materials.
section-participation-status = Consultations and calls will be published in this section.

section-what = What you will find here
section-meanwhile = Meanwhile, you can look at the list of municipalities of the State of Mexico.

legal-updated = Last updated: November 2026.
