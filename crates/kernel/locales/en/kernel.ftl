# Kernel: layout, errors and roles (English).

site-name = Apertura
institute-name = Infoem
institute-full-name = Transparency, Access to Public Information and Personal Data Protection Institute of the State of Mexico and its Municipalities
site-tagline = Proactive transparency, open data and open government in the State of Mexico

layout-skip-link = Skip to main content
layout-nav-label = Main navigation
layout-footer-nav-label = Legal and help information
layout-language-name = English
layout-home-link = Apertura, home page
layout-free-software = Apertura is free software by Infoem.

error-not-found-title = Page not found
error-not-found = We could not find what you are looking for. The address may be mistyped or the content may have moved.
error-forbidden-title = Access denied
error-forbidden = You are not allowed to see this page or to do this.
error-sign-in-required-title = Sign in to continue
error-sign-in-required = This page is for registered people only. Sign in and try again.
error-bad-request-title = Invalid request
error-bad-request = The request carries data we could not understand. Check the address or the form and try again.
error-method-not-allowed-title = Operation not allowed
error-method-not-allowed = This address does not accept that operation.
error-timeout-title = The request took too long
error-timeout = The request took longer than allowed and was stopped. Try again; if it keeps happening, try with less data.
error-too-large-title = File or request too large
error-too-large = What you sent is larger than the maximum allowed ({ $limit } bytes).
error-unsupported-media-type-title = Unsupported format
error-unsupported-media-type = The format of what you sent is not one this address accepts.
error-unprocessable-title = Invalid data
error-unprocessable = Some of the data you sent is not valid. Check it and try again.
error-too-many-requests-title = Too many requests
error-too-many-requests = We received too many requests in a row. Wait a moment and try again.
error-unavailable-title = Service unavailable for now
error-unavailable = The service is not available right now. Try again in a few minutes.
error-internal-title = Something went wrong
error-internal = An unexpected error happened on our side. It has been logged; if it happens again, share the reference with Infoem.
error-request-id = Error reference: { $id }
error-back-home = Back to the home page
error-status = Code { $status }

role-platform-admin = Platform administration (Infoem)
role-institute-reviewer = Infoem review
role-body-admin = Public body administration
role-body-editor = Public body editing
role-jury-member = Jury member
role-stl-member = Local Technical Secretariat member
role-citizen = Registered person
role-anonymous = Visitor

footer-privacy = Privacy notice
footer-terms = Terms of use
footer-accessibility = Accessibility
error-csrf-title = The form expired
error-csrf = We could not verify that the form comes from this page (it may have expired). Reload the page and try again.

nav-sign-in = Sign in
nav-account = My account
nav-sign-out = Sign out
nav-admin = Administration
