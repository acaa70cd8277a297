package news

import (
	"context"
	"fmt"
	"time"
)

// Demo items the browser suite opens.
const (
	DemoRoadWork   = "remont-ulicy-kalwaryjskiej"
	DemoInvestment = "tramwaj-na-gorke-narodowa"
	DemoEvent      = "festyn-w-parku-jordana"
	DemoArticle    = "nowe-godziny-pracy-urzedu"
)

// DemoOptions are the demo accounts the seed needs.
type DemoOptions struct {
	OfficerID string
	// ResidentDistrict is the demo resident's district: it gets items of
	// every kind.
	ResidentDistrict int
	// Districts is how many districts the city has (items are spread over
	// them).
	Districts int
}

// SeedDemo loads a few dozen published items of every kind across the
// districts, two road works with a geometry, a draft and one in review. It
// does nothing when there are items already.
func SeedDemo(ctx context.Context, s *Service, o DemoOptions) error {
	existing, err := s.EditorItems(ctx, "")
	if err != nil || len(existing) > 0 {
		return err
	}
	a := Actor{ID: o.OfficerID, Name: "demo"}
	now := s.now().Truncate(time.Hour)
	day := 24 * time.Hour
	districts := max(o.Districts, 1)
	home := max(o.ResidentDistrict, 1)
	in := []Input{
		{Kind: RoadWork, Slug: DemoRoadWork, Title: "Remont ulicy Kalwaryjskiej", Districts: []int{home}, Topics: []string{"roads", "transport"},
			Summary: "Wymiana torowiska i nawierzchni; ruch jednym pasem w każdą stronę.", StartsAt: now.Add(-3 * day), EndsAt: now.Add(40 * day),
			Streets: []string{"Kalwaryjska", "Rynek Podgórski"}, Detour: "Samochody osobowe: ulicami Limanowskiego i Wielicką. Tramwaje linii 8 i 11 jadą objazdem przez rondo Grunwaldzkie.",
			Geometry:     `{"type":"LineString","coordinates":[[19.9490,50.0437],[19.9512,50.0401],[19.9538,50.0362]]}`,
			GeometryText: "Ulica Kalwaryjska od Rynku Podgórskiego do ulicy Wadowickiej, po obu stronach.",
			Body:         "## Co się zmienia\n\nPrzez czas remontu **nie ma przejazdu** w kierunku Łagiewnik.\n\n- przystanek *Rynek Podgórski* przeniesiony na ulicę Limanowskiego\n- chodniki otwarte"},
		{Kind: RoadWork, Title: "Zamknięcie skrzyżowania Grzegórzeckiej i Dietla", Districts: []int{1}, Topics: []string{"roads"},
			Summary: "Nocne prace przy sieci ciepłowniczej.", StartsAt: now.Add(2 * day), EndsAt: now.Add(5 * day),
			Streets: []string{"Grzegórzecka", "Dietla"}, Detour: "Przez ulicę Starowiślną.",
			Geometry: `{"type":"Point","coordinates":[19.9480,50.0560]}`, GeometryText: "Skrzyżowanie ulic Grzegórzeckiej i Dietla."},
		{Kind: Investment, Slug: DemoInvestment, Title: "Tramwaj na Górkę Narodową", Districts: []int{3, 4}, Topics: []string{"transport"},
			Summary: "Nowa linia tramwajowa z Krowodrzy Górki na Górkę Narodową.", Budget: 45_000_000_000, Contractor: "Konsorcjum Budowa Tramwaju",
			Progress: 65, Body: "Linia ma **3,4 km**, cztery przystanki i pętlę z parkingiem P+R.",
			Milestones: []Milestone{{Title: "Projekt i pozwolenia", Due: now.Add(-300 * day), Done: true}, {Title: "Budowa torowiska", Due: now.Add(60 * day)},
				{Title: "Odbiory i uruchomienie", Due: now.Add(200 * day)}}},
		{Kind: Event, Slug: DemoEvent, Title: "Festyn w Parku Jordana", Districts: []int{home}, Topics: []string{"culture", "sport"},
			Summary: "Gry, koncert i stoiska organizacji pozarządowych.", StartsAt: now.Add(3 * day), EndsAt: now.Add(3*day + 6*time.Hour),
			Place: "Park Jordana, polana przy Alei 3 Maja", Accessibility: "Alejki utwardzone, toaleta dostępna dla wózków, tłumacz PJM na scenie.", Body: "Wstęp wolny."},
		{Kind: Article, Slug: DemoArticle, Title: "Nowe godziny pracy urzędu", Topics: []string{"city"},
			Summary: "Od poniedziałku sale obsługi mieszkańców otwarte do 18:00.", Body: "Urząd przyjmuje **od 7:30 do 18:00** we wszystkich punktach."},
	}
	topics := []string{"transport", "environment", "culture", "education", "health", "safety", "social", "sport"}
	for i := range 24 {
		d := i%districts + 1
		topic := topics[i%len(topics)]
		in = append(in,
			Input{Kind: Article, Title: fmt.Sprintf("Wieści z dzielnicy %d: %s", d, []string{"nowe ławki", "sprzątanie skwerów", "dyżur radnych", "zbiórka elektrośmieci"}[i%4]),
				Districts: []int{d}, Topics: []string{topic}, Summary: "Krótka wiadomość z życia dzielnicy.", PublishAt: now.Add(-time.Duration(i) * 7 * time.Hour)},
			Input{Kind: Event, Title: fmt.Sprintf("%s — dzielnica %d", []string{"Koncert kameralny", "Warsztaty dla seniorów", "Spacer z przewodnikiem", "Turniej szachowy"}[i%4], d),
				Districts: []int{d}, Topics: []string{topic}, StartsAt: now.Add(time.Duration(i+1) * 20 * time.Hour), EndsAt: now.Add(time.Duration(i+1)*20*time.Hour + 2*time.Hour),
				Place: fmt.Sprintf("Dom kultury dzielnicy %d", d), Accessibility: "Wejście bez schodów.", Price: int64(i%3) * 1000},
			Input{Kind: Investment, Title: fmt.Sprintf("%s w dzielnicy %d", []string{"Przebudowa boiska", "Nowy chodnik", "Termomodernizacja szkoły", "Park kieszonkowy"}[i%4], d),
				Districts: []int{d}, Topics: []string{topic}, Budget: int64(50+i*13) * 100_000_00, Contractor: "Zarząd Inwestycji Miejskich", Progress: (i * 17) % 101},
			Input{Kind: RoadWork, Title: fmt.Sprintf("Frezowanie jezdni, dzielnica %d", d), Districts: []int{d}, Topics: []string{"roads"},
				StartsAt: now.Add(time.Duration(i-10) * day), EndsAt: now.Add(time.Duration(i-5) * day), Streets: []string{fmt.Sprintf("ulica nr %d", i+1)},
				Detour: "Oznakowany objazd sąsiednimi ulicami."},
		)
	}
	for _, x := range in {
		it, err := s.Create(ctx, a, x)
		if err != nil {
			return fmt.Errorf("news demo %q: %w", x.Title, err)
		}
		if _, err := s.Move(ctx, a, it.ID, Review); err != nil {
			return err
		}
		if _, err := s.Move(ctx, a, it.ID, Published); err != nil {
			return err
		}
	}
	if _, err := s.Create(ctx, a, Input{Kind: Article, Title: "Szkic: plan zimowego utrzymania dróg", Topics: []string{"roads"}}); err != nil {
		return err
	}
	it, err := s.Create(ctx, a, Input{Kind: Event, Title: "Do sprawdzenia: Noc Muzeów", StartsAt: now.Add(30 * day), Place: "Muzeum Krakowa"})
	if err != nil {
		return err
	}
	_, err = s.Move(ctx, a, it.ID, Review)
	return err
}
