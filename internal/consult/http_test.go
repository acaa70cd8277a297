package consult

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/db/dbtest"
	"github.com/civitas-city/civitas/internal/web"
)

// A resident votes on every statement with plain forms, one statement per
// page, each vote a POST answered by a redirect to the next statement.
func TestVotingWithoutJavaScript(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		hs := newHarness(t, d)
		c, conv := hs.consultation(ConsultationInput{}, "Więcej drzew przy ulicach", "Mniej parkingów w centrum", "Ławki w każdym parku")
		hs.user("ola")
		page := conversationURL(c.ID)

		// Signed out: the statement is shown with a way to sign in, no buttons.
		r := hs.must(hs.get(page, ""), 200, "anonymous page")
		if !strings.Contains(r.Body, "/signin?next=") || strings.Contains(r.Body, `name="vote"`) {
			t.Error("signed out: want a sign-in link and no vote buttons")
		}
		seen := map[string]bool{}
		for i := range 3 {
			r = hs.must(hs.get(page, "ola"), 200, "ballot")
			tid := regexp.MustCompile(`name="tid" value="(\d+)"`).FindStringSubmatch(r.Body)
			if tid == nil {
				t.Fatalf("vote %d: no statement on the page", i)
			}
			if seen[tid[1]] {
				t.Fatalf("statement %s shown twice", tid[1])
			}
			seen[tid[1]] = true
			for _, v := range []string{"agree", "disagree", "pass"} {
				if !strings.Contains(r.Body, `name="vote" value="`+v+`"`) {
					t.Fatalf("no %s button", v)
				}
			}
			vote := []string{"agree", "disagree", "pass"}[i]
			r = hs.must(hs.post(page+"/votes", "ola", url.Values{"tid": {tid[1]}, "vote": {vote}}), http.StatusSeeOther, "vote")
			if !strings.HasPrefix(r.Location, page+"?notice=voted") {
				t.Fatalf("after a vote: redirect to %q", r.Location)
			}
		}
		r = hs.must(hs.get(page+"?notice=voted", "ola"), 200, "done")
		if strings.Contains(r.Body, `name="tid"`) || !strings.Contains(r.Body, "Oceniono już wszystkie wypowiedzi") {
			t.Error("after voting on everything: want the thank-you and no ballot")
		}
		if !strings.Contains(r.Body, "Głos zapisany.") {
			t.Error("no confirmation of the vote")
		}
		// Changing a vote: the chosen statement with the current vote.
		r = hs.must(hs.get(page+"?statement=0", "ola"), 200, "change")
		if !strings.Contains(r.Body, `name="tid" value="0"`) || !strings.Contains(r.Body, "twój głos: Zgadzam się") {
			t.Error("?statement=0 does not offer to change the vote")
		}
		hs.must(hs.post(page+"/votes", "ola", url.Values{"tid": {"0"}, "vote": {"disagree"}}), http.StatusSeeOther, "change vote")
		mine, err := hs.svc.MyVotes(t.Context(), conv.ID, "u-ola")
		if err != nil || mine[0] != VoteDisagree || len(mine) != 3 {
			t.Errorf("votes %v %v", mine, err)
		}
		if n, _ := countVoteEvents(t.Context(), d, conv.ID); n != 4 {
			t.Errorf("%d vote events, want 4 (changes are kept)", n)
		}
		// A bad vote value and an unknown statement.
		hs.must(hs.post(page+"/votes", "ola", url.Values{"tid": {"0"}, "vote": {"maybe"}}), 400, "bad value")
		hs.must(hs.post(page+"/votes", "ola", url.Values{"tid": {"99"}, "vote": {"agree"}}), 404, "unknown statement")
		// Four votes, one waiting map job: debounced.
		var jobs int
		if err := d.QueryRowContext(t.Context(), `SELECT count(*) FROM jobs WHERE dedupe_key = $1 AND state = 'ready'`,
			"consult.map:"+conv.ID).Scan(&jobs); err != nil || jobs != 1 {
			t.Errorf("waiting map jobs: %d %v, want 1", jobs, err)
		}
	})
}

// A resident writes a statement: under post-moderation others vote on it
// at once; under pre-moderation only after a moderator accepts it.
func TestStatementsAndModeration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		hs := newHarness(t, d)
		hs.user("ola")
		hs.user("jan")
		hs.user("mod", web.Role{Name: web.RoleModerator})
		for _, mode := range []Moderation{PostModeration, PreModeration} {
			c, conv := hs.consultation(ConsultationInput{Moderation: mode})
			page := conversationURL(c.ID)
			// Too long first: the form comes back with the error and the text.
			long := strings.Repeat("x", MaxStatement+1)
			r := hs.must(hs.post(page+"/statements", "ola", url.Values{"statement": {long}}), 422, "too long")
			if !strings.Contains(r.Body, `class="error-summary"`) || !strings.Contains(r.Body, `aria-invalid="true"`) || !strings.Contains(r.Body, long) {
				t.Error("the error is not shown with the form")
			}
			r = hs.must(hs.post(page+"/statements", "ola", url.Values{"statement": {"Tramwaj na Górkę Narodową"}}), 303, "statement")
			want := "statement_added"
			if mode == PreModeration {
				want = "statement_pending"
			}
			if !strings.Contains(r.Location, want) {
				t.Errorf("%s: redirect %q", mode, r.Location)
			}
			r = hs.must(hs.get(page, "jan"), 200, "other resident")
			shown := strings.Contains(r.Body, "Tramwaj na Górkę Narodową")
			if shown != (mode == PostModeration) {
				t.Errorf("%s: statement shown to others = %v", mode, shown)
			}
			q := hs.must(hs.get("/moderation/consultations", "mod"), 200, "queue")
			if !strings.Contains(q.Body, "Tramwaj na Górkę Narodową") {
				t.Fatalf("%s: the statement is not in the moderators' queue", mode)
			}
			hs.must(hs.get("/moderation/consultations", "jan"), 403, "queue as resident")
			decision := "accept"
			if mode == PostModeration {
				decision = "reject"
			}
			hs.must(hs.post("/moderation/consultations/statements/"+conv.ID+"/0", "mod", url.Values{"decision": {decision}}), 303, "moderate")
			r = hs.must(hs.get(page, "jan"), 200, "after moderation")
			if shown := strings.Contains(r.Body, "Tramwaj na Górkę Narodową"); shown != (mode == PreModeration) {
				t.Errorf("%s after %s: shown = %v", mode, decision, shown)
			}
			r = hs.must(hs.get(page+"/report", ""), 200, "report")
			if shown := strings.Contains(r.Body, "Tramwaj na Górkę Narodową"); shown != (mode == PreModeration) {
				t.Errorf("%s after %s: shown in the report = %v", mode, decision, shown)
			}
			if len(hs.audited("consult.statement.moderate")) == 0 {
				t.Error("moderation is not audited")
			}
		}
	})
}

// Only verified residents of the scope take part when the consultation
// says so.
func TestVerifiedResidentsOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		hs := newHarness(t, d)
		c, _ := hs.consultation(ConsultationInput{District: 5, VerifiedOnly: true}, "Parking przy Parku Krakowskim")
		page := conversationURL(c.ID)
		hs.user("ola")
		hs.user("jan")
		hs.user("ewa")
		hs.res.verify("u-jan", 18)
		hs.res.verify("u-ewa", 5)
		vote := url.Values{"tid": {"0"}, "vote": {"agree"}}
		r := hs.must(hs.get(page, "ola"), 200, "unverified page")
		if strings.Contains(r.Body, `name="vote"`) || !strings.Contains(r.Body, "tylko zweryfikowani mieszkańcy") || !strings.Contains(r.Body, "/account/verify") {
			t.Error("unverified: want the explanation with the verification link, and no buttons")
		}
		hs.must(hs.post(page+"/votes", "ola", vote), 403, "unverified vote")
		r = hs.must(hs.post(page+"/votes", "jan", vote), 403, "other district")
		if !strings.Contains(r.Body, "innej dzielnicy") {
			t.Error("other district: the reason is not given")
		}
		hs.must(hs.post(page+"/votes", "ewa", vote), 303, "verified resident of the district")
	})
}

// An officer at a consultation point records a managed resident's card:
// the votes and the statement go under the resident, each audited with the
// officer as the actor.
func TestConsultationPointAssisted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		hs := newHarness(t, d)
		c, conv := hs.consultation(ConsultationInput{}, "Nocne autobusy co 15 minut", "Więcej koszy na śmieci")
		officer := hs.user("urzednik", web.Role{Name: web.RoleOfficer, Domain: "consultations"})
		point := officerURL(c.ID) + "/point"
		r := hs.must(hs.get(point, "urzednik"), 200, "not acting")
		if !strings.Contains(r.Body, "/officer/residents") {
			t.Error("without a resident, the point does not send the officer to the residents desk")
		}
		hs.must(hs.post(point, "urzednik", url.Values{"v0": {"agree"}}), 400, "save without a resident")
		officer.ActingFor = &web.User{ID: "u-pani-zofia", Name: "Zofia Nowak"}
		r = hs.must(hs.get(point, "urzednik"), 200, "acting")
		if !strings.Contains(r.Body, "Zofia Nowak") || !strings.Contains(r.Body, `name="v1"`) {
			t.Fatal("the point form lacks the resident or the statements")
		}
		r = hs.must(hs.post(point, "urzednik", url.Values{"v0": {"agree"}, "v1": {"disagree"}, "statement": {"Toaleta publiczna na Rynku Podgórskim"}}), 303, "save card")
		if !strings.Contains(r.Location, "recorded=3") {
			t.Errorf("redirect %q", r.Location)
		}
		mine, err := hs.svc.MyVotes(t.Context(), conv.ID, "u-pani-zofia")
		if err != nil || mine[0] != VoteAgree || mine[1] != VoteDisagree || mine[2] != VoteAgree {
			t.Errorf("the resident's votes: %v %v", mine, err)
		}
		if pid, _ := participantOf(t.Context(), d, conv.ID, "u-urzednik"); pid >= 0 {
			t.Error("the officer became a participant")
		}
		for _, action := range []string{"consult.vote.assisted", "consult.statement.assisted"} {
			es := hs.audited(action)
			if len(es) == 0 {
				t.Fatalf("no %s audit entry", action)
			}
			for _, e := range es {
				if e.ActorID != "u-urzednik" || e.OnBehalfOf != "u-pani-zofia" {
					t.Errorf("%s: actor %q for %q", action, e.ActorID, e.OnBehalfOf)
				}
			}
		}
		if n := len(hs.audited("consult.vote.assisted")); n != 2 {
			t.Errorf("%d assisted votes audited, want 2", n)
		}
		// The ordinary pages, as the officer acting, also record under the resident.
		hs.must(hs.post(conversationURL(c.ID)+"/votes", "urzednik", url.Values{"tid": {"1"}, "vote": {"pass"}}), 303, "vote while acting")
		if mine, _ := hs.svc.MyVotes(t.Context(), conv.ID, "u-pani-zofia"); mine[1] != VotePass {
			t.Error("a vote while acting is not the resident's")
		}
		// A consultations officer without acting cannot save; a budget
		// officer cannot open the point at all.
		hs.user("inny", web.Role{Name: web.RoleOfficer, Domain: "budget"})
		hs.must(hs.get(point, "inny"), 403, "other domain")
	})
}

// Documents are commented paragraph by paragraph, in threads, with a
// stance; comments can be flagged; pre-moderated ones wait.
func TestDocumentComments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		hs := newHarness(t, d)
		ctx := t.Context()
		c, _ := hs.consultation(ConsultationInput{})
		doc, err := hs.svc.AddDocument(ctx, Actor{UserID: "u-officer"}, c.ID, "Projekt uchwały", "# Uchwała\n\n§ 1. Zakazuje się.\n\n§ 2. Wchodzi w życie.")
		if err != nil {
			t.Fatal(err)
		}
		hs.user("ola")
		hs.user("jan")
		hs.user("mod", web.Role{Name: web.RoleModerator})
		r := hs.must(hs.get(documentURL(c.ID, doc.ID), ""), 200, "document")
		for _, want := range []string{`id="p-1"`, `id="p-2"`, `id="p-3"`, "<h2>Uchwała</h2>", paragraphURL(c.ID, doc.ID, 2)} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("document page lacks %s", want)
			}
		}
		para := paragraphURL(c.ID, doc.ID, 2)
		hs.must(hs.post(para+"/comments", "ola", url.Values{"stance": {"sideways"}, "body": {"?"}}), 422, "bad stance")
		r = hs.must(hs.post(para+"/comments", "ola", url.Values{"stance": {"against"}, "body": {"Zakaz nic nie da."}}), 303, "comment")
		parent := strings.TrimPrefix(r.Location[strings.Index(r.Location, "#"):], "#c-")
		hs.must(hs.post(para+"/comments", "jan", url.Values{"stance": {"for"}, "body": {"Da, i to sporo.", "x"}, "parent": {parent}}), 303, "reply")
		r = hs.must(hs.get(para, ""), 200, "thread")
		if !strings.Contains(r.Body, "Zakaz nic nie da.") || !strings.Contains(r.Body, `class="cs-replies"`) || !strings.Contains(r.Body, "Da, i to sporo.") {
			t.Error("the thread is not shown with its reply")
		}
		r = hs.must(hs.get(documentURL(c.ID, doc.ID), ""), 200, "counts")
		if !strings.Contains(r.Body, "1 za, 1 przeciw, 0 neutralnych") {
			t.Error("the paragraph's counts by stance are missing")
		}
		hs.must(hs.post(para+"/comments", "ola", url.Values{"stance": {"for"}, "body": {"x"}, "parent": {"nope"}}), 404, "reply to nothing")
		hs.must(hs.get(paragraphURL(c.ID, doc.ID, 4), ""), 404, "no such paragraph")
		// Flagging, once per person, into the moderators' queue.
		flag := consultationURL(c.ID) + "/comments/" + parent + "/flag"
		r = hs.must(hs.post(flag, "jan", url.Values{"reason": {"obraźliwe"}}), 303, "flag")
		if !strings.Contains(r.Location, "notice=flagged") {
			t.Errorf("flag: %q", r.Location)
		}
		r = hs.must(hs.post(flag, "jan", nil), 303, "flag again")
		if !strings.Contains(r.Location, "flagged_already") {
			t.Errorf("second flag: %q", r.Location)
		}
		q := hs.must(hs.get("/moderation/consultations", "mod"), 200, "queue")
		if !strings.Contains(q.Body, "Zakaz nic nie da.") || !strings.Contains(q.Body, "1 zgłoszenie") {
			t.Error("the flagged comment is not in the queue")
		}
		hs.must(hs.post("/moderation/consultations/comments/"+parent, "mod", url.Values{"decision": {"reject"}}), 303, "remove")
		if r = hs.get(para, ""); strings.Contains(r.Body, "Zakaz nic nie da.") {
			t.Error("a removed comment is still shown")
		}
		// Pre-moderation: the author sees their comment waiting, others do not.
		if err := hs.svc.Update(ctx, Actor{UserID: "u-officer"}, c.ID, ConsultationInput{Title: c.Title, Status: StatusOpen, Moderation: PreModeration}); err != nil {
			t.Fatal(err)
		}
		r = hs.must(hs.post(para+"/comments", "ola", url.Values{"stance": {"neutral"}, "body": {"Czekam na moderację."}}), 303, "pending comment")
		if !strings.Contains(r.Location, "comment_pending") {
			t.Errorf("pending: %q", r.Location)
		}
		if r = hs.get(para, "ola"); !strings.Contains(r.Body, "Czekam na moderację.") || !strings.Contains(r.Body, "czeka na moderację") {
			t.Error("the author does not see their waiting comment")
		}
		if r = hs.get(para, "jan"); strings.Contains(r.Body, "Czekam na moderację.") {
			t.Error("others see a comment before moderation")
		}
		// The text is fixed once commented.
		err = hs.svc.UpdateDocument(ctx, Actor{UserID: "u-officer"}, c.ID, doc.ID, "Projekt", "Nowy tekst")
		if err != ErrHasComments {
			t.Errorf("changing a commented text: %v", err)
		}
	})
}

// Meetings take registrations up to their capacity.
func TestMeetingRegistration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		hs := newHarness(t, d)
		ctx := t.Context()
		c, _ := hs.consultation(ConsultationInput{})
		start := hs.svc.now().AddDate(0, 0, 3)
		m, err := hs.svc.AddMeeting(ctx, Actor{UserID: "u-officer"}, c.ID, MeetingInput{Title: "Spotkanie w Nowej Hucie", Place: "NCK",
			StartsAt: start, EndsAt: start.Add(2 * 3600e9), Capacity: 1})
		if err != nil {
			t.Fatal(err)
		}
		hs.user("ola")
		hs.user("jan")
		hs.user("urzednik", web.Role{Name: web.RoleOfficer, Domain: "consultations"})
		reg := consultationURL(c.ID) + "/meetings/" + m.ID + "/register"
		hs.must(hs.post(reg, "ola", nil), 303, "register")
		hs.must(hs.post(reg, "ola", nil), 303, "register twice")
		r := hs.must(hs.post(reg, "jan", nil), 409, "full")
		if !strings.Contains(r.Body, "nie ma już wolnych miejsc") {
			t.Error("full meeting: no reason given")
		}
		r = hs.must(hs.get(consultationURL(c.ID), "ola"), 200, "show")
		if !strings.Contains(r.Body, "Jesteś zapisany") {
			t.Error("the page does not say the resident is registered")
		}
		r = hs.must(hs.get(officerURL(c.ID)+"/meetings/"+m.ID, "urzednik"), 200, "registrations")
		if !strings.Contains(r.Body, "<td>ola</td>") {
			t.Error("the officer does not see who registered")
		}
		hs.must(hs.post(consultationURL(c.ID)+"/meetings/"+m.ID+"/unregister", "ola", nil), 303, "unregister")
		hs.must(hs.post(reg, "jan", nil), 303, "a place is free again")
	})
}

// An officer runs a consultation from the management pages, with plain
// forms: create, describe, phases, a document, a meeting, the conversation,
// the final report.
func TestOfficerManages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		hs := newHarness(t, d)
		hs.user("urzednik", web.Role{Name: web.RoleOfficer, Domain: "consultations"})
		hs.user("ola")
		hs.must(hs.post("/officer/consultations", "urzednik", url.Values{"title": {""}}), 422, "no title")
		r := hs.must(hs.post("/officer/consultations", "urzednik", url.Values{"title": {"Park Reduta"}, "district": {"18"}}), 303, "create")
		edit := r.Location[:strings.Index(r.Location, "?")]
		id := strings.TrimPrefix(edit, "/officer/consultations/")
		hs.must(hs.get(consultationURL(id), "ola"), 404, "a draft is not public")
		hs.must(hs.get(edit, "urzednik"), 200, "edit page")
		steps := []struct {
			path string
			form url.Values
		}{
			{edit, url.Values{"title": {"Park Reduta"}, "summary": {"Jak urządzić **park**?"}, "district": {"18"}, "status": {"open"}, "moderation": {"post"}}},
			{edit + "/phases", url.Values{"phase_title": {"Zbieranie uwag"}, "phase_starts": {"2026-05-01"}, "phase_ends": {"2026-05-31"}}},
			{edit + "/documents", url.Values{"doc_title": {"Koncepcja"}, "doc_body": {"Akapit pierwszy.\n\nAkapit drugi."}}},
			{edit + "/meetings", url.Values{"meeting_title": {"Spacer badawczy"}, "meeting_place": {"Wejście od ul. Ptaszyckiego"}, "meeting_starts": {"2030-05-10T17:00"}, "meeting_ends": {"2030-05-10T19:00"}, "meeting_capacity": {"30"}}},
			{edit + "/conversation", url.Values{"topic": {"Czego brakuje w parku?"}, "open": {"1"}}},
			{edit + "/conversation/statements", url.Values{"statement": {"Brakuje toalet"}}},
			{edit + "/report", url.Values{"report": {"Wpłynęło 120 uwag."}, "publish": {"1"}}},
		}
		for _, s := range steps {
			r := hs.must(hs.post(s.path, "urzednik", s.form), 303, s.path)
			if !strings.HasPrefix(r.Location, edit+"?notice=") {
				t.Errorf("%s: redirect %q", s.path, r.Location)
			}
		}
		// Input errors come back on the page, next to the field.
		r = hs.must(hs.post(edit+"/phases", "urzednik", url.Values{"phase_title": {"Zła"}, "phase_starts": {"2026-05-31"}, "phase_ends": {"2026-05-01"}}), 422, "dates")
		if !strings.Contains(r.Body, `id="phase_ends-error"`) || !strings.Contains(r.Body, `value="Zła"`) {
			t.Error("the phase error is not shown by its field with the typed values")
		}
		r = hs.must(hs.get(consultationURL(id), "ola"), 200, "public page")
		for _, want := range []string{"Park Reduta", "<strong>park</strong>", "Zbieranie uwag", "Koncepcja", "Spacer badawczy",
			"Czego brakuje w parku?", "Wpłynęło 120 uwag.", "XVIII Nowa Huta"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("public page lacks %q", want)
			}
		}
		if len(hs.audited("consult.")) < 8 {
			t.Errorf("officer actions are not all audited: %d entries", len(hs.audited("consult.")))
		}
		hs.must(hs.get(edit, "ola"), 403, "a resident on the officer's page")
	})
}

// Every page of the demo renders in every language without a raw
// catalog key, and the map is drawn with its groups described in words.
func TestPagesInEveryLanguage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		hs := newHarness(t, d)
		if err := SeedDemo(t.Context(), d); err != nil {
			t.Fatal(err)
		}
		docs, _ := hs.svc.Documents(t.Context(), DemoID)
		conv, _ := hs.svc.Conversation(t.Context(), DemoID)
		hs.user("ola")
		hs.user("admin", web.Role{Name: web.RoleAdmin})
		meetings, _ := hs.svc.Meetings(t.Context(), DemoID)
		pages := []struct{ path, user string }{
			{"/consultations", ""}, {"/consultations?district=1&status=open", ""},
			{consultationURL(DemoID), ""}, {consultationURL(DemoID), "ola"},
			{documentURL(DemoID, docs[0].ID), ""}, {paragraphURL(DemoID, docs[0].ID, 3), "ola"},
			{conversationURL(DemoID), ""}, {conversationURL(DemoID), "ola"}, {conversationURL(DemoID) + "?statement=2", "ola"},
			{conversationURL(DemoID) + "/map", ""}, {conversationURL(DemoID) + "/report", ""},
			{"/officer/consultations", "admin"}, {officerURL(DemoID), "admin"}, {officerURL(DemoID) + "/point", "admin"},
			{officerURL(DemoID) + "/documents/" + docs[0].ID, "admin"}, {officerURL(DemoID) + "/meetings/" + meetings[0].ID, "admin"},
			{"/moderation/consultations", "admin"},
		}
		rawKey := regexp.MustCompile(`consult\.[a-z_]+\.[a-z_.]+`)
		for _, lang := range []string{"pl", "en", "uk"} {
			for _, p := range pages {
				r := hs.do(http.MethodGet, p.path, p.user, lang, nil)
				if r.Status != 200 {
					t.Errorf("%s %s as %q: status %d\n%s", lang, p.path, p.user, r.Status, excerptBody(r.Body))
					continue
				}
				if !strings.Contains(r.Body, `<html lang="`+lang+`">`) {
					t.Errorf("%s %s: not in %s", lang, p.path, lang)
				}
				if k := rawKey.FindString(r.Body); k != "" {
					t.Errorf("%s %s shows the raw key %q", lang, p.path, k)
				}
			}
		}
		r := hs.get(conversationURL(DemoID)+"/map", "")
		for _, want := range []string{`<svg class="opinion-map"`, `role="img"`, `aria-labelledby="map-title map-desc"`, "Grupa A", "Grupa B",
			"w większości zgadza się z", `<q lang="en">`, "<caption>Grupy opinii i ich najbardziej typowe wypowiedzi</caption>"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("map page lacks %s", want)
			}
		}
		if strings.Contains(r.Body, "<script") {
			t.Error("the map page has a script")
		}
		if n := strings.Count(r.Body, "<circle"); n < 339 {
			t.Errorf("%d dots on the map, want one per participant (339)", n)
		}
		_ = conv
	})
}

// The export routes answer with CSV and JSON downloads.
func TestExportRoutes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		hs := newHarness(t, d)
		if err := SeedDemo(t.Context(), d); err != nil {
			t.Fatal(err)
		}
		base := conversationURL(DemoID) + "/export"
		for _, f := range ExportFiles {
			r := hs.must(hs.get(base+"/"+f, ""), 200, f)
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.Contains(r.Header.Get("Content-Disposition"), f) {
				t.Errorf("%s: headers %v", f, r.Header)
			}
		}
		r := hs.must(hs.get(base+"/votes.csv", ""), 200, "votes")
		if lines := strings.Count(r.Body, "\n"); lines != 2996 {
			t.Errorf("votes.csv: %d lines, want 2996", lines)
		}
		if !strings.HasPrefix(r.Body, "timestamp,datetime,comment-id,voter-id,vote\n") {
			t.Errorf("votes.csv header: %q", r.Body[:60])
		}
		hs.must(hs.get(base+"/secrets.csv", ""), 404, "unknown file")
		r = hs.must(hs.get(base+".json", ""), 200, "json")
		if !strings.Contains(r.Body, `"format":"`+ExportFormat+`"`) || !strings.Contains(r.Body, `"votes":[`) {
			t.Error("export.json lacks its format or votes")
		}
	})
}
