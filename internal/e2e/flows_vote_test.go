package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/civitas-city/civitas/internal/vote"
)

// TestVoteFlows walks a referendum and a quick poll in a browser with
// JavaScript off, in every language, as the demo resident (who lives in
// the open referendum's district): a ballot with too many choices is
// refused with the reason; the first language's valid ballot is answered
// with a receipt per question, the next languages' with "already voted";
// a poll answered with nothing chosen is refused, then answered, and shows
// its results. Every page on the way must pass axe-core.
func TestVoteFlows(t *testing.T) {
	s := start(t)
	open := "/votes/referenda/" + vote.DemoOpenSlug
	langs := s.srv.Catalog.Languages()
	for i, lang := range langs {
		first := i == 0
		t.Run(lang, func(t *testing.T) {
			t.Run("vote in a referendum", func(t *testing.T) {
				f := s.startFlow(t, Resident, lang)
				f.open(open)
				f.page("the referendum")
				f.open(open + "/vote")
				f.page("the ballot")
				submit := `main form[action$="/vote"] button[type="submit"]`
				f.click(`main form fieldset:nth-of-type(1) div.check:nth-of-type(1) input`)
				for n := 1; n <= 3; n++ {
					f.click(`main form fieldset:nth-of-type(2) div.check:nth-of-type(` + string(rune('0'+n)) + `) input`)
				}
				f.press(submit, ".error-summary")
				f.page("a ballot with three answers where two are allowed")
				f.click(`main form fieldset:nth-of-type(2) div.check:nth-of-type(3) input`) // unticks the third
				if first {
					f.press(submit, "strong.token")
					f.page("the receipts")
					if code := f.text("strong.token"); len(code) != 11 {
						t.Errorf("receipt %q, want 11 characters like K7QH2-M9XPD", code)
					}
					f.open(open)
					f.page("the referendum with the resident's receipts")
					f.absent(`main a[href$="/vote"]`)
				} else {
					f.press(submit, ".error-summary")
					f.page("a second ballot of the same resident")
				}
			})
			t.Run("answer a poll", func(t *testing.T) {
				f := s.startFlow(t, Resident, lang)
				f.open("/votes/polls/" + vote.DemoFireworks)
				if first {
					f.press(`main form button[type="submit"]`, ".error-summary")
					f.page("a poll answered with nothing chosen")
					f.click(`main form div.check:nth-of-type(2) input`)
					f.press(`main form button[type="submit"]`, `main .notice[role="status"]`)
				}
				f.page("the poll answered, with its results")
				f.absent(`main form[action^="/votes/polls/"]`)
				if f.text("main table caption") == "" {
					t.Error("no results table after answering")
				}
			})
		})
	}
}

// TestOfficerCreatesReferendum: an officer sets up a referendum in a
// browser with JavaScript off, in every language: a form without a
// question is refused beside the field; "Add a question" gives a second
// one; a maximum above the number of answers is refused beside that
// question's field; then it is created, shown on the officers' desk and
// its public page, and can be changed until voting starts.
func TestOfficerCreatesReferendum(t *testing.T) {
	s := start(t)
	for _, lang := range s.srv.Catalog.Languages() {
		t.Run(lang, func(t *testing.T) {
			slug := "nowy-skwer-" + lang
			f := s.startFlow(t, Admin, lang)
			f.open("/officer/votes")
			f.click(`main a[href="/officer/votes/referenda/new"]`)
			f.do(chromedp.WaitReady(chromedp.CSS(`#slug`)))
			f.page("the new referendum form")
			create := `main form button.primary`
			f.fill("#slug", slug)
			f.fill("#title", "Nowy skwer ("+lang+")")
			f.fill("#description", "Czy urządzić **skwer** przy ul. Przykładowej?")
			f.fill("#voting_starts", "2030-05-01T08:00")
			f.fill("#voting_ends", "2030-05-15T20:00")
			f.press(create, ".error-summary")
			f.page("a referendum without a question")
			if f.value("#slug") != slug {
				t.Errorf("the form lost the address: %q", f.value("#slug"))
			}
			f.fill("#q1-text", "Czy urządzić skwer?")
			f.press(`main form button[name="more"]`, "#q2-text")
			f.page("the form with a second question")
			f.choose("#q2-kind", string(vote.Multiple))
			f.fill("#q2-text", "Co na skwerze?")
			f.fill("#q2-options", "ławki\ndrzewa\nfontanna")
			f.fill("#q2-max_choices", "5")
			f.press(create, "#q2-max_choices-error")
			f.page("a maximum above the number of answers")
			if f.attr("#q2-max_choices", "aria-invalid") != "true" {
				t.Error("the field at fault is not marked invalid")
			}
			f.fill("#q2-max_choices", "2")
			f.press(create, "#ref-"+slug)
			f.page("the officers' desk with the new referendum")
			f.click(`main a[href="/officer/votes/referenda/` + slug + `/edit"]`)
			f.do(chromedp.WaitReady(chromedp.CSS(`#q2-options`)))
			f.page("the referendum's form, to change it")
			if got := f.value("#q2-options"); got != "ławki\ndrzewa\nfontanna" {
				t.Errorf("the saved answers: %q", got)
			}
			f.fill("#title", "Skwer przy Przykładowej ("+lang+")")
			f.press(create, "#ref-"+slug)
			f.open("/votes/referenda/" + slug)
			if h := f.text("main h1"); !strings.Contains(h, "Skwer przy Przykładowej") {
				t.Errorf("the public page's heading %q", h)
			}
		})
	}
}

// narrow makes the flow's window 320 px wide, the narrowest WCAG's reflow
// asks for.
func (f *flow) narrow() {
	f.t.Helper()
	if _, err := chromedp.Call(f.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: 320, Height: 800, DeviceScaleFactor: 1, Mobile: true}); err != nil {
		f.t.Fatal(err)
	}
}

// TestPollFromHomePage: on a 320-px phone with JavaScript off, in every
// language, the demo resident answers a quick poll from the home page's
// "open now" in one step: sent with nothing chosen it comes back on the
// poll's page with the reason, keeping the way home; answered, it brings
// them back home with the notice and the results, and its form is gone.
func TestPollFromHomePage(t *testing.T) {
	s := start(t)
	svc := &vote.Service{DB: s.srv.DB, Key: []byte("e2e")}
	for _, lang := range s.srv.Catalog.Languages() {
		t.Run(lang, func(t *testing.T) {
			slug := "z-domu-" + lang
			p, err := svc.CreatePoll(t.Context(), vote.Actor{Name: "e2e"}, vote.PollInput{Slug: slug,
				Question: "Czy lubisz place zabaw? (" + lang + ")", Kind: vote.Single, Options: []string{"Tak", "Nie"},
				ResultsAfter: vote.AfterAnswer, OpensAt: time.Now().Add(-time.Minute)})
			if err != nil {
				t.Fatal(err)
			}
			form := "#ask-poll-" + slug
			f := s.startFlow(t, Resident, lang)
			f.narrow()
			// The home page reuses what is open for a few seconds: wait
			// until it lists the new poll.
			for deadline := time.Now().Add(15 * time.Second); ; {
				f.open("/")
				if get(f, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(form)+`).length`)) == 1 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the home page never showed the poll's form")
				}
				time.Sleep(time.Second)
			}
			f.page("the home page with a poll's form")
			f.fits("the home page with a poll's form")
			f.press(form+` button[type="submit"]`, ".error-summary")
			f.page("a poll answered from home with nothing chosen")
			if got := f.value(`main form input[name="next"]`); got != "/" {
				t.Errorf("the poll's page lost the way home: next %q", got)
			}
			f.click(`main form input[value="` + p.Options[0].ID + `"]`)
			f.press(`main form button[type="submit"]`, form+` .notice[role="status"]`)
			if u := f.location(); u.Path != "/" || u.Query().Get("answered") != "poll-"+slug {
				t.Errorf("after answering: %s, want the home page", u)
			}
			f.page("the home page after answering, with the results")
			f.fits("the home page after answering")
			if got := f.text(form + " table caption"); !strings.Contains(got, "place zabaw") {
				t.Errorf("results caption %q", got)
			}
			f.absent(form + ` input[name="choice"]`)
		})
	}
}
