package e2e

import (
	"context"
	"fmt"
	"github.com/chromedp/chromedp"
	"strings"
	"testing"
	"time"

	"github.com/civitas-city/civitas/internal/accounts"
	"github.com/civitas-city/civitas/internal/accounts/identity"
	"github.com/civitas-city/civitas/internal/budget"
)

// TestVerifyThenVoteFlow: on a phone, with JavaScript off, in every
// language, a resident whose residency is not verified opens the ballot
// from the home page's "open now",
// follows its "verify your residency" button, verifies against the
// register and lands back on the ballot, where they vote.
func TestVerifyThenVoteFlow(t *testing.T) {
	s := start(t)
	for i, lang := range s.srv.Catalog.Languages() {
		t.Run(lang, func(t *testing.T) {
			email, password := fmt.Sprintf("verify-%s@example.org", lang), "correct horse battery staple"
			if _, err := (&accounts.Service{DB: s.srv.DB}).Create(context.Background(), s.srv.DB, accounts.NewUser{
				Email: email, DisplayName: "Flow " + lang, Password: password, EmailConfirmed: true}); err != nil {
				t.Fatal(err)
			}
			f := s.startFlow(t, Anonymous, lang)
			if err := s.signIn(f.ctx, email, password); err != nil {
				t.Fatal(err)
			}
			f.phone()
			vote := "/budget/" + budget.DemoCurrentSlug + "/vote"
			f.open("/")
			f.page("the home page, signed in")
			f.open(f.attr(`main section[aria-labelledby="open-heading"] a[href="`+vote+`"]`, "href"))
			f.page("the vote page, unverified")
			f.open(f.attr(`main a[href^="/account/verify?next="]`, "href"))
			f.page("verification, from the ballot")
			r := identity.DemoRegister()[100+i] // entries no demo account uses
			f.fill("#pesel", r.PESEL)
			f.fill("#birth_date", r.BirthDate.Format(time.DateOnly))
			f.press(`main form[action="/account/verify/census"] button[type="submit"]`, "main h1")
			if got := f.location().Path; got != vote {
				t.Fatalf("after verifying, at %s, want back at %s", got, vote)
			}
			f.page("the vote page, verified")
			// Only the resident's own pools: the city's and their district's,
			// each with its button; the other districts' are counted, not listed.
			f.absent(`main tbody td span.muted`)
			if rows := get(f, chromedp.Evaluate[int](`document.querySelectorAll("main tbody tr").length`)); rows != 2 {
				t.Errorf("the vote page lists %d pools, want 2 (the city's and the resident's district's)", rows)
			}
			f.open(f.attr(`main a.button.primary[href="`+vote+`/miasto"]`, "href"))
			f.choose("#rank1", f.value(`#rank1 option:nth-child(2)`))
			f.press(`main form[action$="/vote/miasto"] button[type="submit"]`, "strong.token")
			f.page("the receipt")
			if code := strings.TrimSpace(f.text("strong.token")); len(code) != 11 {
				t.Errorf("receipt code %q", code)
			}
		})
	}
}
