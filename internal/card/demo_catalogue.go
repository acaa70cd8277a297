package card

import (
	"context"
	"fmt"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// demoPartners are the demo catalogue's partners: fictitious names, by
// category, each with an offer.
var demoPartners = []struct {
	name, category, offer, discount string
	family                          bool // for family cards only
}{
	{"Muzeum Miejskie", "culture", "Bilety wstępu", "-50%", false},
	{"Teatr Pod Wawelem", "culture", "Bilety na spektakle", "-30%", false},
	{"Filharmonia Nadwiślańska", "culture", "Koncerty w niedziele", "-25%", false},
	{"Kino Mikro-Makro", "culture", "Seanse od poniedziałku do czwartku", "bilet 16 zł", false},
	{"Galeria Sztuki Współczesnej", "culture", "Wstęp", "-50%", false},
	{"Opera Krakowska Scena Kameralna", "culture", "Spektakle rodzinne", "-30%", true},
	{"Biblioteka Pod Kopcem", "culture", "Warsztaty dla dzieci", "bezpłatnie", true},
	{"Muzeum Inżynierii", "culture", "Bilety rodzinne", "-40%", true},
	{"Pływalnia Na Wzgórzach", "sport", "Wejścia na basen", "-30%", false},
	{"Park Wodny Zakrzówek", "sport", "Bilety całodniowe", "-25%", false},
	{"Lodowisko Przy Błoniach", "sport", "Ślizgawki", "-50%", true},
	{"Klub Wspinaczkowy Skała", "sport", "Karnety miesięczne", "-20%", false},
	{"Korty Tenisowe Olsza", "sport", "Rezerwacja kortu", "-15%", false},
	{"Siłownia Miejska Czyżyny", "sport", "Karnet open", "-20%", false},
	{"Szkoła Pływania Delfinek", "sport", "Kursy dla dzieci", "-25%", true},
	{"Stadion Lekkoatletyczny", "sport", "Wstęp na bieżnię", "bezpłatnie", false},
	{"Wypożyczalnia Rowerów Wisła", "transport", "Wypożyczenie na dzień", "-30%", false},
	{"Parkingi Park&Ride", "transport", "Bilet parkingowy", "-50%", false},
	{"Tramwaj Wodny", "transport", "Rejsy po Wiśle", "-20%", false},
	{"Hulajnogi Miejskie", "transport", "Minuty jazdy", "-15%", false},
	{"Ogród Zoologiczny", "leisure", "Bilety wstępu", "-30%", true},
	{"Ogród Botaniczny", "leisure", "Wstęp do szklarni", "-50%", false},
	{"Kręgielnia Rondo", "leisure", "Tor na godzinę", "-20%", false},
	{"Park Linowy Las Wolski", "leisure", "Trasy dla dzieci", "-25%", true},
	{"Escape Room Stare Miasto", "leisure", "Gra dla drużyny", "-15%", false},
	{"Planetarium Miejskie", "leisure", "Seanse", "-30%", true},
	{"Sala Zabaw Bajkolandia", "leisure", "Wejście dziecka", "-40%", true},
	{"Szkoła Językowa Babel", "education", "Kursy językowe", "-15%", false},
	{"Centrum Nauki Eureka", "education", "Warsztaty naukowe", "-30%", true},
	{"Akademia Programowania Kod", "education", "Zajęcia dla młodzieży", "-20%", true},
	{"Szkoła Muzyczna Wiolinek", "education", "Lekcje próbne", "bezpłatnie", false},
	{"Uniwersytet Trzeciego Wieku", "education", "Wykłady otwarte", "-50%", false},
	{"Przychodnia Rehabilitacyjna", "health", "Fizjoterapia", "-15%", false},
	{"Gabinet Stomatologiczny Uśmiech", "health", "Przegląd", "-20%", false},
	{"Apteka Pod Orłem", "health", "Suplementy", "-10%", false},
	{"Optyk Widok", "health", "Oprawki", "-20%", false},
	{"Centrum Badań Profilaktycznych", "health", "Pakiet badań", "-25%", false},
	{"Kawiarnia Pod Arkadami", "food", "Kawa i ciasto", "-10%", false},
	{"Bar Mleczny Tradycja", "food", "Obiady", "-10%", false},
	{"Pizzeria Na Rogu", "food", "Pizza rodzinna", "-20%", true},
	{"Lodziarnia Śnieżka", "food", "Lody", "-15%", true},
	{"Piekarnia Rodzinna", "food", "Pieczywo", "-5%", false},
	{"Restauracja Wiślana", "food", "Menu dnia", "-10%", false},
	{"Pralnia Ekologiczna", "services", "Pranie i prasowanie", "-15%", false},
	{"Zakład Fryzjerski Grzebień", "services", "Strzyżenie", "-10%", false},
	{"Serwis Rowerowy Szprycha", "services", "Przegląd roweru", "-20%", false},
	{"Fotograf Migawka", "services", "Zdjęcia do dokumentów", "-25%", false},
	{"Szewc Na Kazimierzu", "services", "Naprawa obuwia", "-15%", false},
	{"Krawcowa Igiełka", "services", "Poprawki krawieckie", "-10%", false},
	{"Księgarnia Kapitularna", "services", "Książki dla dzieci", "-15%", true},
}

// streets for the demo locations (real street names, made-up numbers).
var demoStreets = []string{"ul. Grodzka", "ul. Długa", "al. Pokoju", "ul. Wielicka", "ul. Kalwaryjska", "os. Centrum A",
	"ul. Bora-Komorowskiego", "ul. Zakopiańska", "ul. Bronowicka", "ul. Kobierzyńska", "ul. Mogilska", "ul. Lea"}

// SeedCatalogue adds the demo's partners, each with one or two locations
// and an offer valid this year and next, spread over the districts; some
// offers are for a few districts only. It does nothing when partners
// exist. It returns the partners' ids, in order.
func SeedCatalogue(ctx context.Context, s *Service, now time.Time) ([]string, error) {
	var n int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM card_partners`).Scan(&n); err != nil {
		return nil, fmt.Errorf("card: demo: %w", db.MapError(err))
	}
	if n > 0 {
		return nil, nil
	}
	from := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(now.Year()+1, 12, 31, 0, 0, 0, 0, time.UTC)
	var ids []string
	for i, d := range demoPartners {
		p, err := s.CreatePartner(ctx, nil, d.name, d.category)
		if err != nil {
			return nil, err
		}
		ids = append(ids, p.ID)
		district := 1 + i%18
		for j := range 1 + i%2 {
			l := Location{PartnerID: p.ID, Name: d.name, Address: fmt.Sprintf("%s %d, Kraków", demoStreets[(i+j)%len(demoStreets)], 3+i*7%90),
				District: 1 + (district-1+j*5)%18}
			if _, err := s.AddLocation(ctx, nil, l); err != nil {
				return nil, err
			}
		}
		o := Offer{PartnerID: p.ID, Title: d.offer, Discount: d.discount, Kinds: []Kind{Basic, Family}, ValidFrom: from, ValidTo: to,
			Conditions: "Po okazaniu kodu karty w aplikacji."}
		if d.family {
			o.Kinds = []Kind{Family}
		}
		if i%4 == 3 { // a local offer
			o.Districts = []int{district, 1 + district%18}
		}
		if _, err := s.AddOffer(ctx, nil, o); err != nil {
			return nil, err
		}
	}
	return ids, nil
}
