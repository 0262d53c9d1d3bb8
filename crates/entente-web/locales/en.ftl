# Entente's web UI, English. Every key here is in ru.ftl and zh.ftl too (a test checks).
skip-to-content = Skip to content
nav-label = Sections
nav-dashboard = Dashboard
nav-intel = Intelligence
nav-warnings = Joint warnings
nav-register = Register
nav-screen = Screening
nav-federation = Federation
nav-audit = Audit
nav-admin = Administration
language = Language
sign-in = Sign in
sign-out = Sign out
node-of = node of { $party }
footer = Entente — shared under each state's markings; every read and write is in the audit log.
detail = Detail:
go-back = Go back
nothing-here = Nothing here.
page-next = Next page
save = Save

role-analyst = analyst
role-supervisor = supervisor
role-admin = administrator

title-signin = Sign in to Entente
title-dashboard = What needs you
title-intel = Intelligence
title-intel-new = Share intelligence
title-object = Object
title-warnings = Joint warnings
title-warning = Joint warning
title-warning-revise = Revise the warning
title-warning-new = New joint warning
title-register = Register of designated persons and organizations
title-screen = Screen a name
title-federation = Federation
title-audit = Audit log
title-admin = Users and roles
title-refused = Not done
title-not-found = Not found

signin-name = User name
signin-password = Password
signin-hint = Use the name and password your node's administrator gave you.
signin-failed = The user name or password is wrong.

month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

count-warnings = { $count ->
    [one] { $n } warning
   *[other] { $n } warnings
}
count-hits = { $count ->
    [one] { $n } hit
   *[other] { $n } hits
}
count-entries = { $count ->
    [one] { $n } entry
   *[other] { $n } entries
}
count-matches = { $count ->
    [0] No match.
    [one] { $n } match
   *[other] { $n } matches
}
lag-seconds = { $count ->
    [one] { $n } second behind
   *[other] { $n } seconds behind
}
never-pulled = nothing received yet
unit-seconds = s

dash-needs-you = Needs you now
dash-to-acknowledge = Warnings to acknowledge
dash-to-review = Warnings to review
dash-to-take = Warnings to submit or publish
dash-ours = Our state's warnings
dash-with-hits = With hits
dash-review-soon = Review date within 14 days
dash-new = New this week
new-objects = { $count ->
    [0] No new intelligence this week
    [one] { $n } new object of intelligence this week
   *[other] { $n } new objects of intelligence this week
}
new-objects-many = At least { $n } new objects of intelligence this week
dash-federation = Federation
chart-weekly = Warnings and hits, last 12 weeks
chart-warnings = Warnings
chart-hits = Hits
chart-lag = Lag per peer

filter-status = Status
filter-kind = Kind
filter-type = Type
filter-since = Added since
filter-any = Any
filter-apply = Apply

col-title = Title
col-kind = Kind
col-status = Status
col-issuer = Issuer
col-review-date = Review date
col-hits = Hits
col-modified = Changed
col-name = Name
col-type = Type
col-originator = Originator
col-added = Added
col-id = Identifier
col-peer = Peer
col-address = Address
col-cursor = Received up to
col-lag = Lag
col-last-pull = Last pull
col-last-error = Last error
col-when = When
col-source = Source
col-object = Object
col-user = User
col-role = Role
col-tokens = Tokens
col-change-role = Change role

warnings-none = No warnings you may see.
warning-new = New warning
warning-draft = Save the draft
acknowledged-by = Acknowledged by
awaiting-acknowledgement = Awaiting acknowledgement from
timeline = Life of the warning
steps = What you can do
subject = Subject

kind-wanted = wanted
kind-locate = locate
kind-missing = missing
kind-threat = threat
kind-modus-operandi = modus operandi
kind-watch = watch
kind-unidentified = unidentified

status-draft = draft
status-submitted = submitted
status-accepted = accepted
status-refused = refused
status-published = published
status-cancelled = cancelled
status-expired = expired
status-irregular = irregular

stage-draft = draft
stage-submitted = submitted
stage-published = published
stage-cancelled = cancelled

step-revise = Revise
step-submit = Submit for review
step-accept = Accept
step-refuse = Refuse
step-publish = Publish
step-extend = Extend the review date
step-cancel = Cancel the warning
step-acknowledge = Acknowledge
step-hit = Report a hit
step-follow-up = Add to the thread

event-version = Version
event-accepted = Accepted by the secretariat
event-refused = Refused by the secretariat
event-hit = Hit reported
event-follow-up = Thread
event-reminder = Review reminder

field-names = Names
field-names-lines = Names (one per line, in any script)
field-birth-dates = Date of birth
field-nationalities = Nationality (state codes)
field-category = What the warning is about
field-description = Description
field-legal-basis = Legal basis
field-issuing-authority = Issuing authority
field-action-requested = Action requested
field-contact = Contact
field-purpose = Purpose of processing
field-source = Source
field-reasons = Reasons
field-reason = Reason
field-justification = Justification
field-when = When (UTC)
field-location = Where
field-action-taken = Action taken
field-details = Details
field-hit = Hit
field-message = Message
field-marking = Marking
field-audience = Audience
field-pattern = Pattern (indicators)
field-grading-source = Source reliability
field-grading-information = Information reliability
category-person = a person
category-object = an object
category-event = an event
category-method = a method

type-report = report
type-indicator = indicator
type-observed-data = observation
type-threat-actor = threat actor
type-note = note
type-malware = malware
type-attack-pattern = attack pattern
type-campaign = campaign
type-identity = identity
type-sighting = sighting
type-relationship = relationship
type-x-entente-warning = joint warning
type-x-entente-register-entry = register entry

intel-none = No objects you may see match.
intel-share = Share intelligence
tier-member = member states
tier-observer = observers
tier-dialogue-partner = dialogue partners
audience-users = Named users (CODE:name, needed for TLP:RED)
audience-default = the marking's default
audience-hint = Leave every tier and state unchecked for the marking's default audience.
signature = Signature
signature-ok = verifies against the key of { $party }
signature-bad = does not verify
versions = Versions
relationships = Refers to
pointing-here = Pointing here
pointing-more = { $count ->
    [one] Only the latest { $n } is shown.
   *[other] Only the latest { $n } are shown.
}
properties = Properties
as-stix = As STIX 2.1

register-none = No entries you may see.
entry-kind-person = person
entry-kind-organization = organization
entry-status-proposed = proposed
entry-status-designated = designated
entry-status-delisted = delisted
register-designate = Designate
register-propose = Propose an entry
register-delist = Delist
screen-name = Name, in any script
screen-file-title = A file of names
screen-file-hint = CSV with a header (id, name; birth_date and nationality if known) or JSON Lines with the same fields. The answer is CSV: a line for each match.
screen-file = File
screen-file-run = Screen the file
screen-file-progress = Names screened
screen-file-download = Download the answer (CSV)
screen-run = Screen
score = score { $score }
explanation = Why it matched
part-asked = Asked
part-listed = Listed
part-similarity = Similarity
via-translated = translated ({ $concept })
via-acronym = by its acronym
via-skeleton = by its consonants
part-unmatched = Not matched:
evidence-agrees = agrees
evidence-differs = differs
evidence-unknown = not known
match-source-register = On the register
match-source-warning = Subject of a joint warning

federation-none = This node pulls from no peer.
security-events = Security events
security-events-none = No security events.
audit-hint = Every write and every read of marked data, oldest first, as the node recorded it.
audit-head = Signed tree head
audit-size = Entries covered
audit-root = Merkle root
audit-verify = Verify the whole log
audit-who = Who
audit-action = Action
audit-verified = { $count ->
    [one] The log verifies: { $n } entry, every signed tree head matches.
   *[other] The log verifies: { $n } entries, every signed tree head matches.
}
audit-problems = { $count ->
    [one] { $n } problem found:
   *[other] { $n } problems found:
}
audit-entry = Entry
token-new = Issue a token
token-revoke = Revoke all tokens
token-issued = A new token for { $user }; it is shown only now:
admin-hint = A new role, a new token or a revocation takes effect at the user's next request; each is in the audit log. Users are added with `entente user add`.

error-not_found = There is no such thing here, or it is not for you to see.
error-invalid_input = What was given is not acceptable.
error-missing_field = A required text is missing.
error-role_may_not = Your role may not take this step.
error-not_a_user = Only a user of a node may take this step.
error-step_not_allowed = This step is not possible in the warning's present state.
error-not_the_issuer = Only the issuing state's node may take this step.
error-not_in_force = The warning is not in force.
error-own_warning = A state does not take this step on its own warning.
error-already_acknowledged = Your state has already acknowledged this warning.
error-kind_is_fixed = The kind of a warning cannot change.
error-publication_is_fixed = The marking and audience of a published warning cannot change.
error-review_date_not_later = The new review date must be later than the present one.
error-unknown_verdict = The verdict must be accepted or refused.
error-no_such_hit = There is no such hit on this warning.
error-not_in_thread = Your state is not part of this thread.
error-internal = The node failed to answer; the cause is in its log.
error-forbidden = This is not permitted.
error-conflict = Someone else changed this meanwhile; reload and try again.
error-csrf = The form has expired. Reload the page and try again.
error-bad-form = The form is not filled in as expected.
error-form-too-large = The form is too large.
error-too_many_requests = Too many attempts. Wait a little and try again.
error-unavailable = The node is busy. Try again shortly.
error-admins-only = Only an administrator of this node may see this.
error-refused-object = The node did not store it.
error-screen-name = Give a name of at most 500 characters and 24 parts.
error-screen-date = The date of birth must be YYYY, YYYY-MM or YYYY-MM-DD.
error-screen-file = The file cannot be read as names to screen.
error-screen-too-many = The file holds too many names for one request; split it.

# Decisions, applications, the effective charter.
nav-decisions = Decisions
nav-charter = Charter
title-decisions = Decisions of the organization
title-decision = Decision
title-decision-new = Propose a decision
title-charter = The charter in effect
decision-new = Propose a decision
decision-propose = Propose
decision-withdraw = Withdraw the decision
count-decisions = { $count ->
    [one] { $n } decision
   *[other] { $n } decisions
}
decisions-none = No decisions yet.
col-procedure = Procedure
col-effect = Effect
col-proposer = Proposed by
col-deadline = Deadline
col-opened = Opened
col-closed = Closed
col-voters = Member states voting
col-state = State
col-vote = Vote
col-counts = Counted
col-tier = Tier
col-entry = Entry
col-decision = Decision
col-by = By
tally = Tally
tally-silent = not yet answered
unit-states = states
decision-status-open = open
decision-status-adopted = adopted
decision-status-rejected = rejected
decision-status-lapsed = lapsed
decision-status-withdrawn = withdrawn
procedure-consensus = consensus
procedure-silence = silence procedure
procedure-consensus-minus-one = consensus minus one
effect-statement = statement of position
effect-designate = designate on the unified list
effect-delist = delist from the unified list
effect-admit = admit a state or change its tier
effect-suspend = suspend a state
effect-reinstate = reinstate a state
effect-presidency = change the presidency order
effect-adopt-document = adopt a document
effect-adopt-programme = adopt a programme
effect-fields = What the effect names
effect-field-entry_ref = Register entry (id)
effect-field-application_ref = Application (id)
effect-field-state = State
effect-field-name = Name
effect-field-tier = Tier
effect-field-key = Node key
effect-field-order = Presidency order (state codes)
effect-field-epoch_year = Year of the first term
effect-field-document_ref = Document (id)
effect-field-programme_ref = Programme (id)
vote-approve = approve
vote-abstain = abstain
vote-object = object
ballots = Ballots
ballots-none = No ballot yet.
ballot-cast = Cast your state's ballot
ballot-replace = Replace your state's ballot
ballot-submit = Sign and cast
ballot-standing-counts = counts
ballot-standing-replaced = replaced by a later ballot
ballot-standing-not_a_member = not a voting member
ballot-standing-signed_by_another_state = signed by another state
ballot-standing-before_opening = cast before the decision opened
ballot-standing-decision_closed = cast after the decision closed
ballot-standing-cast_in_the_future = dated in the future
field-statement = Statement of position
field-withdrawal-reason = Why it was withdrawn
field-node-key = Node key (ed25519:…)
hint-min-silence = { $count ->
    [one] A silence procedure runs at least { $n } hour.
   *[other] A silence procedure runs at least { $n } hours.
}
presidency = Presidency
presiding-now = Presiding now:
parties = Parties and their tiers
party-tier-member = member
party-tier-observer = observer
party-tier-dialogue-partner = dialogue partner
party-tier-secretariat = secretariat
suspended = suspended
unified-list = The organization's unified list
unified-list-none = No entry is on the unified list yet.
applications = Applications
applications-none = No applications.
application-new = Apply for admission or another tier
application-submit = Submit the application
application-propose = Put to the members
error-decision_closed = The decision is closed: it takes no more ballots.
error-not_a_member = Only the member states voting on this decision cast ballots.
error-not_the_proposer = Only the state that proposed this decision can withdraw it.

# Documents and programmes.
nav-programmes = Documents and programmes
title-programmes = Documents and programmes
title-document = Document
title-programme = Programme
title-programme-new = Draft a document or programme
draft-new = Draft a document or programme
draft-submit = Save the draft
documents = Documents
documents-none = No documents yet.
programmes = Programmes
programmes-none = No programmes yet.
document-new = A document
programme-new = A programme
col-signatures = Signatures
col-ratifications = Ratifications
col-summary = In short
document-kind-declaration = declaration
document-kind-convention = convention
document-kind-strategy = strategy
document-kind-agreement = agreement
document-status-draft = draft
document-status-adopted = adopted
document-status-open-for-signature = open for signature
document-status-in-force = in force
programme-kind-strategy = strategy
programme-kind-facility = financing facility
adopted-by = Adopted by
ratifications-required = { $count ->
    [one] { $n } ratification brings it into force
   *[other] { $n } ratifications bring it into force
}
ratifications-required-field = Ratifications that bring a convention into force
document-text = Text
document-sign = Sign for your state
document-ratify = Ratify for your state
period = Period
objectives = Objectives
indicators = Indicators
indicators-field = Indicators, one a line: key; name; unit; baseline; target
baseline = Baseline
target = Target
actuals = Reported by the states
report-actual = Report your state's actual
year = Year
value = Value
currency = Currency (ISO 4217)
ledger-total = Total
ledger-in-place = In place (committed)
ledger-committed = committed
ledger-disbursed = Disbursed
ledger-confirmed = Confirmed by the beneficiary
ledger-chart = Commitments and disbursements by beneficiary
ledger-none = Nothing committed yet.
iati-export = Export as IATI transactions (XML)
commitments = Commitments
disbursements = Disbursements
project = Project
beneficiary = Beneficiary state
amount = Amount
commit = Commit an amount
disburse = Record a disbursement
confirm-receipt = Confirm receipt
error-not_adopted = This has not been adopted by a decision of the members yet.
error-already_done = This is done already, or goes beyond what is left.
error-not_yours = This step is another state's to take.

# Consultations.
nav-consultations = Consultations
title-consultations = Emergency consultations
title-consultation = Consultation
title-consultation-new = Ask for assistance
consultation-new = Ask for assistance
consultation-submit = Send the request
consultations-none = No consultations addressed to you.
col-requester = Requested by
col-urgency = Urgency
col-answered = Answered
col-awaiting = Awaited
col-verdict = Verdict
col-answer = Answer
col-outcome = Outcome
consultation-status-requested = requested
consultation-status-convened = convened
consultation-status-closed = closed
urgency-immediate = immediate
urgency-urgent = urgent
urgency-routine = routine
help-experts = experts
help-equipment = equipment
help-intelligence = intelligence
help-forces = forces
help-funds = funds
help-other = other
answer-attend = attends
answer-decline = declines
answer-offer = offers assistance
verdict-accepted = accepted
verdict-declined = declined
verdict-pending = not decided
outcome-statement = a statement
outcome-plan = the assistance plan
outcome-decision = a decision
field-situation = What happened
field-where = Where
field-country = Country (ISO code)
field-latitude = Latitude
field-longitude = Longitude
field-help = Help asked for
field-place = Place
field-video-link = Video link
field-meets-at = Meets at
field-answer-by = Answers due by
field-invited = Invited
field-delegates = Delegates, one a line
field-quantity = Quantity
field-unit = Unit
field-conditions = Conditions
field-available = Available from
field-duration-days = For how many days
field-minutes = Minutes
field-participants = Participants (state codes)
conference = The conference
offers = Offers of assistance
offers-none = No offers yet.
not-asked = not asked for
offer-accept = Accept
offer-decline = Decline
plan = The assistance plan
plan-none = No offer accepted yet.
record = Record of the conference
convene = Convene the conference
answer-invitation = Answer the invitation
answer-submit = Sign and send
close-conference = Record the outcome and close
days = { $count ->
    [one] { $n } day
   *[other] { $n } days
}
error-deadline_passed = The deadline to answer has passed.
consultation-timeline = Timeline
tl-requested = { $who } asked for assistance
tl-convened = The secretary-general convened the conference and invited { $who }
tl-answered = { $who } answered
tl-reminded = Reminder to { $who }, who had not answered
tl-closed = The conference recorded its outcome and closed
hours-left = { $count ->
    [one] { $n } hour or less before the deadline
   *[other] { $n } hours or less before the deadline
}
dash-items = Your state's open improvement items
dash-invitations = Invitations awaiting your state's answer

# Exercises and joint operations.
nav-exercises = Exercises
title-exercises = Joint exercises and operations
title-exercise = Exercise
title-exercise-new = Plan an exercise or operation
exercise-new = Plan an exercise or operation
exercise-submit = Sign and share the plan
exercises-none = No exercises shared with you.
exercise-kind-exercise = exercise
exercise-kind-operation = joint operation
exercise-status-planned = planned
exercise-status-under-way = under way
exercise-status-done = done
shared-with-organization = the whole organization
shared-with-participants = the participants and the secretariat
shared-with-host = the host and the secretariat
field-name = Name
field-host = Host
field-dates = Dates
field-starts = First day
field-ends = Last day
field-scenario = Scenario
field-objectives = Objectives, one a line
field-exercise-participants = Other participating states (codes)
field-participants-count = Participants
field-planner = Planned by
field-shared-with = Shared with
field-brings = What the state brings
field-personnel = Personnel
field-summary = Summary
field-strengths = What went well
field-improvements = What to improve
field-item = Improvement item
field-owner = Owner
field-due = Due
after-action = After-action report
after-action-none = No after-action section you may see yet.
items = Improvement items
items-open = Open improvement items
items-none = No open improvement items.
item-open = open
item-closed = closed
item-close = Close
item-overdue = overdue
exercise-join = Say what your state brings
exercise-report = Write your state's section

## Map of protected infrastructure
nav-map = Map
title-map = Protected infrastructure
map-lede = Pipelines and other protected assets with their protection corridors, the places reported, and the alerts raised where a place lies inside a corridor.
map-no-outlines = Country outlines were not built into this binary (run scripts/fetch-world-atlas and build again); assets and places are drawn on a plain grid.
map-summary-assets = { $count ->
    [one] { $n } asset
   *[other] { $n } assets
}
map-summary-alerts = { $count ->
    [one] { $n } alert
   *[other] { $n } alerts
}
map-summary-places = { $count ->
    [one] { $n } place reported
   *[other] { $n } places reported
}
map-corridor = Corridor
map-alerted = alert raised
map-legend-asset = Protected asset
map-legend-corridor = Protection corridor
map-legend-place = Place reported
map-legend-alerted = Place inside a corridor (alert)
map-attribution = Country outlines: Natural Earth (public domain), via world-atlas.
map-more = More objects are held than a page lists; the map shows the latest 500 of each kind.
map-alerts = Alerts
map-alerts-none = No alert you may see.
map-assets = Protected assets
map-assets-none = No protected asset you may see.
map-places = Places reported
map-places-none = No place reported that you may see.
map-col-asset = Asset
map-col-incident = Incident
map-col-distance = Distance
map-col-km-post = Kilometre post
map-col-alert = Alert
map-col-kind = Kind
map-col-owners = Owners
map-col-operator = Operator
map-col-criticality = Criticality
map-open = open
asset-kind-pipeline = pipeline
asset-kind-facility = facility
asset-kind-project = project
asset-criticality-low = low
asset-criticality-medium = medium
asset-criticality-high = high
asset-criticality-critical = critical
field-report-place = Where it happened (a report)
place-hint = Optional: latitude and longitude in degrees (WGS 84). A place inside a protected asset's corridor raises an alert to its owner states.
