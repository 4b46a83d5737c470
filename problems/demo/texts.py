"""What customers write. Some reports quote a known error's symptoms, as real ones do."""

SITES = [
    "head office",
    "the Leeds branch",
    "warehouse 3",
    "the clinic on Harbour Street",
    "our data room",
    "the Lyon office",
    "reception",
    "the north campus",
    "store 112",
    "the call centre",
]

REPORTS: dict[str, list[tuple[str, str]]] = {
    "broadband": [
        (
            "Internet down at {site}",
            "Since this morning nobody at {site} can get online. The router lights are on but "
            "pages do not load.",
        ),
        (
            "Connection drops every night",
            "Our internet connection drops every night around 2am and the router reconnects "
            "after a few minutes. It breaks our overnight backups at {site}.",
        ),
        (
            "No sync on the line at {site}",
            "No internet at {site}: the DSL light is off and the modem cannot connect since "
            "yesterday. Other offices are fine.",
        ),
        (
            "Intermittent packet loss on the VPN",
            "Staff at {site} see the VPN disconnect several times an hour; ping shows 5-10% "
            "packet loss to the gateway.",
        ),
    ],
    "slow-speeds": [
        (
            "Very slow broadband in the evening",
            "Broadband is very slow in the evening at {site}; a speed test shows a tenth of the "
            "contracted speed after 6pm and video keeps buffering.",
        ),
        (
            "Upload speed far below contract",
            "Uploads from {site} crawl at 2 Mbit/s although we pay for 50. Downloads are fine.",
        ),
        (
            "Slow file transfers to the cloud",
            "Transfers from {site} to our cloud storage take hours since Monday.",
        ),
    ],
    "voice": [
        (
            "Callers cannot hear us",
            "Calls connect but callers cannot hear us: one way audio on all SIP phones at {site} "
            "since the new firewall went in.",
        ),
        (
            "Calls to mobiles fail",
            "Outbound calls to mobile numbers fail with a busy tone from {site}. Landlines work.",
        ),
        (
            "Echo on calls",
            "Customers hear an echo of their own voice when calling {site}.",
        ),
        (
            "Hunt group not ringing",
            "The main number's hunt group at {site} stopped ringing the second line.",
        ),
    ],
    "hosting": [
        (
            "Website down with 502 errors",
            "Our website returns 502 Bad Gateway after last night's upgrade; the WordPress admin "
            "shows a PHP error from a plugin.",
        ),
        (
            "Booking site very slow",
            "The online booking site takes 20 seconds per page since Tuesday.",
        ),
        (
            "SSL certificate expired",
            "Visitors get a certificate warning on our shop; the certificate expired yesterday.",
        ),
    ],
    "email": [
        (
            "Customers not receiving our e-mails",
            "Our outgoing emails bounce: recipients reject them with an SPF fail, so customers are "
            "not receiving our invoices.",
        ),
        (
            "Mailbox full warnings",
            "Several users at {site} get mailbox full warnings although quotas were raised.",
        ),
        (
            "Shared calendar not syncing",
            "The shared calendar at {site} no longer syncs to phones.",
        ),
    ],
    "security": [
        (
            "Suspicious invoice e-mail",
            "Staff at {site} received a suspicious email asking to pay an invoice through a link "
            "to a fake billing login page. Two people clicked it.",
        ),
        (
            "Unknown device on the network",
            "Our monitoring shows an unknown device at {site} scanning ports overnight.",
        ),
    ],
}

NOTES_PUBLIC = [
    "We are running remote tests on your line and will update you within the hour.",
    "Could you restart the router and tell us whether the lights change?",
    "An engineer visit is booked; we will confirm the time slot by e-mail.",
    "We have applied a configuration change; please check whether it helps.",
    "Thank you for the logs, they show where the fault is.",
]
NOTES_INTERNAL = [
    "Line test shows high attenuation; suspect a joint in the street cabinet.",
    "Customer is on the legacy profile; check with provisioning before changing it.",
    "Same symptom as two other tickets this week; watching for a pattern.",
    "Escalated to the network team in chat, waiting for their diagnosis.",
    "Customer contact was unreachable by phone, left a voicemail.",
]
ACTIVITIES = {
    "customer_education": "Walk the customer through the router's restart and settings",
    "product_reassessment": "Offer an upgrade to the business fibre product",
    "process_request": "Ask provisioning to re-apply the service profile",
    "service_restoration": "Restore the service on the access network",
    "supplier_request": "Ask the wholesale partner to repair the line",
}
RESOLUTIONS = [
    "Replaced the faulty line card; service is stable again.",
    "Re-applied the service profile; speeds back to contract.",
    "Configuration corrected on the customer's router.",
    "Partner repaired the line in the street cabinet.",
    "Applied the known workaround; permanent fix scheduled.",
]
ROOT_CAUSES = [
    "Faulty line card in the exchange",
    "Wrong service profile after migration",
    "Customer equipment misconfiguration",
    "Damaged cable in the street cabinet",
    "Software defect in router firmware",
    "Capacity shortage on the aggregation ring",
]
CANCEL_REASONS = {
    "incorrect": "The fault was in the customer's own equipment, not our service.",
    "duplicate": "Already reported by a colleague.",
    "withdrawn": "The customer says it works again and withdrew the report.",
    "not_accepted": "Not a problem with a service we provide.",
}
REOPEN_REASONS = [
    "It happened again this morning.",
    "Still slow in the evenings, nothing changed for us.",
    "Only works on one floor; the other floor is still down.",
]
