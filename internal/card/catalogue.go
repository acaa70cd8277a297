package card

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/web"
)

// Location is a place where a partner honours the card.
type Location struct {
	ID, PartnerID, Name, Address string
	District                     int
}

// Offer is a partner's discount for card holders.
type Offer struct {
	ID, PartnerID, Title, Discount, Conditions string
	Kinds                                      []Kind
	ValidFrom, ValidTo                         time.Time
	Districts                                  []int // none: the whole city
	// Filled by the catalogue.
	Partner   Partner
	Locations []Location
}

// For reports whether holders of a card of kind get the offer.
func (o Offer) For(k Kind) bool { return slices.Contains(o.Kinds, k) }

// AddLocation adds a partner's location (audited).
func (s *Service) AddLocation(ctx context.Context, actor *web.User, l Location) (Location, error) {
	l.ID, l.Name, l.Address = db.NewID(), strings.TrimSpace(l.Name), strings.TrimSpace(l.Address)
	errs := apperr.Fields{}
	if l.Name == "" || utf8.RuneCountInString(l.Name) > 120 {
		errs["name"] = "card.error.location_name"
	}
	if l.Address == "" || utf8.RuneCountInString(l.Address) > 200 {
		errs["address"] = "card.error.address"
	}
	if !s.isDistrict(l.District) {
		errs["district"] = "card.error.district"
	}
	if err := errs.Err(); err != nil {
		return l, err
	}
	if _, err := s.Partner(ctx, l.PartnerID); err != nil {
		return l, err
	}
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO card_locations (id, partner_id, name, address, district) VALUES ($1, $2, $3, $4, $5)`,
			l.ID, l.PartnerID, l.Name, l.Address, l.District); err != nil {
			return fmt.Errorf("card: add location: %w", err)
		}
		return s.record(ctx, tx, actor, "card.location.add", "card_partner", l.PartnerID, map[string]string{"location": l.Name})
	})
	return l, err
}

// AddOffer adds a partner's offer (audited).
func (s *Service) AddOffer(ctx context.Context, actor *web.User, o Offer) (Offer, error) {
	o.ID = db.NewID()
	o.Title, o.Discount, o.Conditions = strings.TrimSpace(o.Title), strings.TrimSpace(o.Discount), strings.TrimSpace(o.Conditions)
	errs := apperr.Fields{}
	if o.Title == "" || utf8.RuneCountInString(o.Title) > 120 {
		errs["title"] = "card.error.title"
	}
	if o.Discount == "" || utf8.RuneCountInString(o.Discount) > 60 {
		errs["discount"] = "card.error.discount"
	}
	if utf8.RuneCountInString(o.Conditions) > 1000 {
		errs["conditions"] = "card.error.conditions"
	}
	if len(o.Kinds) == 0 || slices.ContainsFunc(o.Kinds, func(k Kind) bool { return !validKind(k) }) {
		errs["kinds"] = "card.error.kinds"
	}
	switch {
	case o.ValidFrom.IsZero():
		errs["valid_from"] = "card.error.date"
	case o.ValidTo.IsZero():
		errs["valid_to"] = "card.error.date"
	case o.ValidTo.Before(o.ValidFrom):
		errs["valid_to"] = "card.error.date_order"
	}
	if slices.ContainsFunc(o.Districts, func(d int) bool { return !s.isDistrict(d) }) {
		errs["districts"] = "card.error.district"
	}
	if err := errs.Err(); err != nil {
		return o, err
	}
	p, err := s.Partner(ctx, o.PartnerID)
	if err != nil {
		return o, err
	}
	slices.Sort(o.Districts)
	o.Districts = slices.Compact(o.Districts)
	search := strings.ToLower(o.Title + " " + o.Discount + " " + p.Name)
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO card_offers (id, partner_id, title, discount, conditions, basic, family,
			valid_from, valid_to, search, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			o.ID, o.PartnerID, o.Title, o.Discount, o.Conditions, o.For(Basic), o.For(Family),
			o.ValidFrom.Format(day), o.ValidTo.Format(day), search, db.TS(s.now())); err != nil {
			return fmt.Errorf("card: add offer: %w", err)
		}
		for _, d := range o.Districts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO card_offer_districts (offer_id, district) VALUES ($1, $2)`, o.ID, d); err != nil {
				return fmt.Errorf("card: offer district: %w", err)
			}
		}
		return s.record(ctx, tx, actor, "card.offer.add", "card_offer", o.ID, map[string]string{"partner": o.PartnerID, "title": o.Title})
	})
	return o, err
}

func (s *Service) isDistrict(d int) bool {
	if s.IsDistrict == nil {
		return d >= 1 && d <= 18
	}
	return s.IsDistrict(d)
}

// Filter narrows the public catalogue.
type Filter struct {
	Query    string
	Category string
	District int  // 0: any
	Kind     Kind // "": any
}

// maxListed bounds one catalogue page.
const maxListed = 200

// Catalogue lists the offers valid today or later that match f, by
// partner name, with each partner's locations.
func (s *Service) Catalogue(ctx context.Context, f Filter) ([]Offer, error) {
	like := ""
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		like = "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
	}
	offers, err := db.Query(ctx, s.DB, scanOffer, `SELECT o.id, o.partner_id, o.title, o.discount, o.conditions, o.basic, o.family,
		o.valid_from, o.valid_to, p.name, p.category
		FROM card_offers o JOIN card_partners p ON p.id = o.partner_id
		WHERE o.valid_to >= $1
		AND ($2 = '' OR o.search LIKE $2 ESCAPE '\')
		AND ($3 = '' OR p.category = $3)
		AND ($4 = 0 OR NOT EXISTS (SELECT 1 FROM card_offer_districts d WHERE d.offer_id = o.id)
			OR EXISTS (SELECT 1 FROM card_offer_districts d WHERE d.offer_id = o.id AND d.district = $4))
		AND ($5 = '' OR ($5 = 'basic' AND o.basic) OR ($5 = 'family' AND o.family))
		ORDER BY p.name, o.title, o.id LIMIT $6`,
		s.today().Format(day), like, f.Category, f.District, string(f.Kind), maxListed)
	if err != nil {
		return nil, fmt.Errorf("card: catalogue: %w", err)
	}
	return offers, s.fill(ctx, offers)
}

func scanOffer(r db.Scanner) (Offer, error) {
	var (
		o             Offer
		basic, family bool
		from, to      string
	)
	err := r.Scan(&o.ID, &o.PartnerID, &o.Title, &o.Discount, &o.Conditions, &basic, &family, &from, &to, &o.Partner.Name, &o.Partner.Category)
	o.Partner.ID = o.PartnerID
	if basic {
		o.Kinds = append(o.Kinds, Basic)
	}
	if family {
		o.Kinds = append(o.Kinds, Family)
	}
	o.ValidFrom, _ = time.Parse(day, from)
	o.ValidTo, _ = time.Parse(day, to)
	return o, err
}

// fill adds the offers' districts and their partners' locations.
func (s *Service) fill(ctx context.Context, offers []Offer) error {
	if len(offers) == 0 {
		return nil
	}
	byOffer := map[string]*Offer{}
	partners := map[string]bool{}
	for i := range offers {
		byOffer[offers[i].ID] = &offers[i]
		partners[offers[i].PartnerID] = true
	}
	// Small tables: read them whole rather than build IN lists.
	err := db.Each(ctx, s.DB, func(r db.Scanner) error {
		var id string
		var d int
		if err := r.Scan(&id, &d); err != nil {
			return err
		}
		if o := byOffer[id]; o != nil {
			o.Districts = append(o.Districts, d)
		}
		return nil
	}, `SELECT offer_id, district FROM card_offer_districts ORDER BY district`)
	if err != nil {
		return fmt.Errorf("card: offer districts: %w", err)
	}
	locs := map[string][]Location{}
	err = db.Each(ctx, s.DB, func(r db.Scanner) error {
		var l Location
		if err := r.Scan(&l.ID, &l.PartnerID, &l.Name, &l.Address, &l.District); err != nil {
			return err
		}
		if partners[l.PartnerID] {
			locs[l.PartnerID] = append(locs[l.PartnerID], l)
		}
		return nil
	}, `SELECT id, partner_id, name, address, district FROM card_locations ORDER BY name, id`)
	if err != nil {
		return fmt.Errorf("card: locations: %w", err)
	}
	for i := range offers {
		offers[i].Locations = locs[offers[i].PartnerID]
	}
	return nil
}

// Partners lists every partner by name.
func (s *Service) Partners(ctx context.Context) ([]Partner, error) {
	ps, err := db.Query(ctx, s.DB, func(r db.Scanner) (Partner, error) {
		var p Partner
		var at db.Time
		err := r.Scan(&p.ID, &p.Name, &p.Category, &at)
		p.CreatedAt = at.Time
		return p, err
	}, `SELECT id, name, category, created_at FROM card_partners ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("card: partners: %w", err)
	}
	return ps, nil
}

// PartnerOffers lists one partner's offers (past ones too), with its
// locations.
func (s *Service) PartnerOffers(ctx context.Context, partnerID string) ([]Offer, []Location, error) {
	offers, err := db.Query(ctx, s.DB, scanOffer, `SELECT o.id, o.partner_id, o.title, o.discount, o.conditions, o.basic, o.family,
		o.valid_from, o.valid_to, p.name, p.category
		FROM card_offers o JOIN card_partners p ON p.id = o.partner_id WHERE o.partner_id = $1 ORDER BY o.valid_to DESC, o.title`, partnerID)
	if err != nil {
		return nil, nil, fmt.Errorf("card: partner offers: %w", err)
	}
	if err := s.fill(ctx, offers); err != nil {
		return nil, nil, err
	}
	locs, err := db.Query(ctx, s.DB, func(r db.Scanner) (Location, error) {
		var l Location
		err := r.Scan(&l.ID, &l.PartnerID, &l.Name, &l.Address, &l.District)
		return l, err
	}, `SELECT id, partner_id, name, address, district FROM card_locations WHERE partner_id = $1 ORDER BY name, id`, partnerID)
	if err != nil {
		return nil, nil, fmt.Errorf("card: locations: %w", err)
	}
	return offers, locs, nil
}
