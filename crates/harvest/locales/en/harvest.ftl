# Harvesting from other portals (CKAN, DCAT-AP in JSON-LD, data.json).

harvest-summary = { $created ->
        [one] 1 new
       *[other] { $created } new
    }, { $updated } updated, { $unchanged } unchanged, { $retired } withdrawn
harvest-summary-partial = {" "}(incomplete listing: a limit of pages or datasets was reached, so nothing was withdrawn)
harvest-origin-name = Record at the source portal
harvest-origin-description = This dataset is copied regularly from { $host }; its files are downloaded from there.
harvest-retired-comment = Withdrawn by the harvest: the source portal no longer publishes it.

harvest-error-url = “{ $url }” is not a valid http or https address
harvest-error-body = there is no public body “{ $body }”
harvest-error-body-gone = the public body of this source no longer exists
harvest-error-other-body = the source { $url } is already registered for another public body
harvest-error-other-kind = the source { $url } is already registered as { $kind }
harvest-error-no-source = the harvest source does not exist
harvest-error-busy = another harvest of { $url } is running; try again later
harvest-error-stopped = the harvest was stopped on request
harvest-error-database = database error during the harvest (details in the server log)
harvest-error-client = the HTTP client could not be prepared
harvest-error-connect = could not connect to { $host }: the server does not exist, does not answer or refused the connection
harvest-error-timeout = { $host } did not answer in time
harvest-error-redirects = { $host } redirects too many times
harvest-error-request = the exchange with { $host } was interrupted
harvest-error-not-found = the address { $url } does not exist (404): check the portal's address
harvest-error-status = { $host } answered with HTTP error { $status }
harvest-error-too-big = the answer of { $host } exceeds { $mb } MB; it is not read
harvest-error-empty = { $host } answered with nothing
harvest-error-html = { $host } answered with an HTML page instead of JSON: is this the API's or the catalog's address?
harvest-error-turtle = { $host } answered with a Turtle catalog; only DCAT catalogs in JSON-LD are read for now
harvest-error-not-json = the answer of { $host } is not valid JSON
harvest-error-not-ckan = { $host } did not answer as a CKAN does (package_search's list of results is missing)
harvest-error-ckan = the CKAN of { $host } answered with an error: { $message }
harvest-error-not-datajson = { $host } does not publish a data.json (the “dataset” list is missing)
harvest-error-not-dcat = { $host } does not publish a DCAT catalog (no dcat:Dataset in it)
