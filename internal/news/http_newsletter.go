package news

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/news/newsletter"
	"github.com/civitas-city/civitas/internal/web"
)

// Account is what the newsletter pages know of the signed-in account.
type Account struct {
	ID, Email string
	Confirmed bool // the address is confirmed: no confirmation mail
}

// DigestItems lists what was published in [from, to) about district and
// the whole city, for a digest (at most 100 items, newest first).
func (h *Handler) DigestItems(ctx context.Context, district int, from, to time.Time) ([]newsletter.Item, error) {
	items, err := h.Service.List(ctx, Filter{District: district, Limit: 100})
	if err != nil {
		return nil, err
	}
	var out []newsletter.Item
	for _, it := range items {
		if it.ShownAt.Before(from) || !it.ShownAt.Before(to) {
			continue
		}
		out = append(out, newsletter.Item{Title: it.Title, Summary: it.Summary, URL: h.BaseURL + "/news/items/" + it.Slug,
			Kind: string(it.Kind), Topics: it.Topics})
	}
	return out, nil
}

// NewsletterPage is /news/newsletter: the subscription form.
type NewsletterPage struct {
	Email     string
	Lang      string
	Districts []int
	Topics    []string
	// Choices.
	AllDistricts []District
	AllTopics    []string
	Languages    []string
	Mine         *newsletter.Subscription
	Done         string // a notice after subscribing
	Errors       web.FormErrors
}

// Follows tells the template which boxes are ticked.
func (p NewsletterPage) Follows(d int) bool         { return slices.Contains(p.Districts, d) }
func (p NewsletterPage) FollowsTopic(t string) bool { return slices.Contains(p.Topics, t) }

func (h *Handler) newsletterPage(r *http.Request) NewsletterPage {
	return NewsletterPage{Lang: web.Lang(r.Context()), AllDistricts: h.Districts, AllTopics: Topics, Languages: h.Site.Catalog.Languages()}
}

func (h *Handler) account(r *http.Request) (Account, bool) {
	if h.Account == nil || web.CurrentUser(r.Context()) == nil {
		return Account{}, false
	}
	a, err := h.Account(r)
	return a, err == nil && a.ID != ""
}

func (h *Handler) handleNewsletter(w http.ResponseWriter, r *http.Request) error {
	page := h.newsletterPage(r)
	if a, ok := h.account(r); ok {
		page.Email = a.Email
		var err error
		if page.Mine, err = h.Newsletter.OfUser(r.Context(), a.ID); err != nil {
			return err
		}
		if page.Mine != nil {
			for _, f := range page.Mine.Follows {
				if !slices.Contains(page.Districts, f.District) {
					page.Districts = append(page.Districts, f.District)
				}
				if f.Topic != "" && !slices.Contains(page.Topics, f.Topic) {
					page.Topics = append(page.Topics, f.Topic)
				}
			}
		}
	}
	return h.Site.Render(w, r, http.StatusOK, "news/newsletter", "news.newsletter.title", page)
}

func (h *Handler) handleSubscribe(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, "error.bad_form", err)
	}
	page := h.newsletterPage(r)
	page.Email, page.Lang, page.Topics = r.PostForm.Get("email"), r.PostForm.Get("lang"), r.PostForm["topic"]
	for _, d := range r.PostForm["district"] {
		if n, err := strconv.Atoi(d); err == nil {
			page.Districts = append(page.Districts, n)
		}
	}
	in := newsletter.SubscribeInput{Email: page.Email, Lang: page.Lang, Districts: page.Districts, Topics: page.Topics}
	if a, ok := h.account(r); ok {
		in.UserID = a.ID
		in.Confirmed = a.Confirmed && a.Email != "" && strings.EqualFold(a.Email, strings.TrimSpace(page.Email))
	}
	err := h.Newsletter.Subscribe(ctx, in)
	if err != nil {
		errs, err := h.Site.FormError(web.Lang(ctx), err)
		if err != nil {
			return err
		}
		page.Errors = errs
		return h.Site.Render(w, r, errs.Status(), "news/newsletter", "news.newsletter.title", page)
	}
	page.Done = h.t(r, "news.newsletter.check_mail")
	if in.Confirmed {
		page.Done = h.t(r, "news.newsletter.subscribed", page.Email)
	}
	return h.Site.Render(w, r, http.StatusOK, "news/newsletter", "news.newsletter.title", page)
}

// LinkPage is a confirmation or unsubscribe link's page: a button (links
// must not change anything by being opened), then the outcome.
type LinkPage struct {
	Action   string // the form's action
	TitleKey string
	Button   string
	Done     string
}

func (h *Handler) linkPage(w http.ResponseWriter, r *http.Request, status int, p LinkPage) error {
	return h.Site.Render(w, r, status, "news/newsletter_link", p.TitleKey, p)
}

func (h *Handler) handleConfirmPage(w http.ResponseWriter, r *http.Request) error {
	return h.linkPage(w, r, http.StatusOK, LinkPage{Action: r.URL.Path, TitleKey: "news.newsletter.confirm.title",
		Button: "news.newsletter.confirm.button"})
}

func (h *Handler) handleConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := h.Newsletter.Confirm(r.Context(), r.PathValue("token")); err != nil {
		return err
	}
	return h.linkPage(w, r, http.StatusOK, LinkPage{TitleKey: "news.newsletter.confirm.title", Done: "news.newsletter.confirm.done"})
}

func (h *Handler) handleUnsubscribePage(w http.ResponseWriter, r *http.Request) error {
	return h.linkPage(w, r, http.StatusOK, LinkPage{Action: r.URL.Path, TitleKey: "news.newsletter.unsubscribe.title",
		Button: "news.newsletter.unsubscribe.button"})
}

// handleUnsubscribe is both the page's button and RFC 8058's one-click
// POST (body "List-Unsubscribe=One-Click", no cookie, from any origin: the
// route is exempt from the cross-origin check; the signed token is the
// proof).
func (h *Handler) handleUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	if err := h.Newsletter.Unsubscribe(r.Context(), r.PathValue("token")); err != nil {
		return err
	}
	return h.linkPage(w, r, http.StatusOK, LinkPage{TitleKey: "news.newsletter.unsubscribe.title", Done: "news.newsletter.unsubscribe.done"})
}

// UnsubscribePattern is the one-click route, exempt from the cross-origin
// check.
const UnsubscribePattern = "POST /news/newsletter/unsubscribe/{token}"

// NewsletterOfficerPage is the newsletters' back office.
type NewsletterOfficerPage struct {
	Districts []District
	Campaigns []*newsletter.Campaign
	Imported  int
	Errors    web.FormErrors
	// What was typed in the campaign form.
	Subject, Body string
	District      int
}

func (h *Handler) renderNewsletterOfficer(w http.ResponseWriter, r *http.Request, page NewsletterOfficerPage, err error) error {
	if err != nil {
		errs, err := h.Site.FormError(web.Lang(r.Context()), err)
		if err != nil {
			return err
		}
		page.Errors = errs
	}
	var lerr error
	page.Districts = h.Districts
	if page.Campaigns, lerr = h.Newsletter.Campaigns(r.Context()); lerr != nil {
		return lerr
	}
	return h.Site.Render(w, r, page.Errors.Status(), "news/officer_newsletter", "news.newsletter.officer.title", page)
}

func (h *Handler) newsletterActor(r *http.Request) newsletter.Actor {
	a := actor(r)
	return newsletter.Actor{ID: a.ID, Name: a.Name, RequestID: a.RequestID}
}

func (h *Handler) handleNewsletterOfficer(w http.ResponseWriter, r *http.Request) error {
	return h.renderNewsletterOfficer(w, r, NewsletterOfficerPage{Imported: -1}, nil)
}

func (h *Handler) handleCompose(w http.ResponseWriter, r *http.Request) error {
	d, _ := strconv.Atoi(r.PostFormValue("district"))
	c, err := h.Newsletter.ComposeDigest(r.Context(), h.newsletterActor(r), d)
	if err != nil {
		return h.renderNewsletterOfficer(w, r, NewsletterOfficerPage{Imported: -1}, err)
	}
	return seeOther(w, r, "/officer/news/newsletter/"+c.ID)
}

func (h *Handler) handleCampaign(w http.ResponseWriter, r *http.Request) error {
	page := NewsletterOfficerPage{Imported: -1, Subject: r.PostFormValue("subject"), Body: r.PostFormValue("body")}
	page.District, _ = strconv.Atoi(r.PostFormValue("to"))
	c, err := h.Newsletter.CreateCampaign(r.Context(), h.newsletterActor(r), page.District, page.Subject, page.Body)
	if err != nil {
		return h.renderNewsletterOfficer(w, r, page, err)
	}
	return seeOther(w, r, "/officer/news/newsletter/"+c.ID)
}

func (h *Handler) handleImportPreferences(w http.ResponseWriter, r *http.Request) error {
	prefs, err := h.Preferences(r.Context())
	if err != nil {
		return err
	}
	n, err := h.Newsletter.ImportPreferences(r.Context(), h.newsletterActor(r), prefs)
	if err != nil {
		return err
	}
	return h.renderNewsletterOfficer(w, r, NewsletterOfficerPage{Imported: n}, nil)
}

// CampaignPage shows a campaign: its preview in every language, its
// recipients, the send button, and once sent its progress.
type CampaignPage struct {
	C          *newsletter.Campaign
	Where      string
	Recipients int
	Previews   []Preview
	// Once sent: deliveries by outcome.
	Sent, Queued, Bounced, Failed int
}

// Preview is a campaign's message in one language.
type Preview struct {
	Lang, Subject, Text string
}

func (h *Handler) handleCampaignPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := h.Newsletter.Campaign(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	page := CampaignPage{C: c, Where: h.t(r, "news.newsletter.officer.everyone")}
	if c.District > 0 {
		page.Where = h.districtName(c.District)
	}
	if page.Recipients, err = h.Newsletter.Recipients(ctx, c); err != nil {
		return err
	}
	for _, lang := range h.Site.Catalog.Languages() {
		m := h.Newsletter.Preview(c, lang)
		page.Previews = append(page.Previews, Preview{Lang: lang, Subject: m.Subject, Text: m.Text})
	}
	progress, err := h.Newsletter.Progress(ctx, c.ID)
	if err != nil {
		return err
	}
	page.Sent, page.Queued = progress["sent"], progress["queued"]+progress["sending"]
	page.Bounced, page.Failed = progress["bounced"], progress["failed"]
	return h.Site.Render(w, r, http.StatusOK, "news/officer_campaign", "news.newsletter.officer.title", page)
}

func (h *Handler) handleSendCampaign(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := h.Newsletter.Send(r.Context(), h.newsletterActor(r), id); err != nil {
		return err
	}
	return seeOther(w, r, "/officer/news/newsletter/"+id)
}
