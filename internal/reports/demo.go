package reports

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/civitas-city/civitas/internal/db"
	"github.com/civitas-city/civitas/internal/jobs"
)

// DemoAPIKey is the Open311 key of the demo's partner application. Like
// the demo passwords it is public and exists only in demo databases.
const DemoAPIKey = "c311_demo_krakow_open311_2026"

// DemoOptions say who the demo's people are.
type DemoOptions struct {
	// OfficerEmail is made a member of every unit.
	OfficerEmail string
	// ResidentID and ResidentEmail report some of the cases ("my cases").
	ResidentID    string
	ResidentEmail string
	ResidentName  string
	// Reports is how many reports to make (default 200).
	Reports int
	Now     time.Time
}

type demoUnit struct{ key, name, kind, email string }

var demoUnits = []demoUnit{
	{"zdmk", "Zarząd Dróg Miasta Krakowa", "department", "zdmk@demo.civitas.local"},
	{"light", "Zarząd Dróg Miasta Krakowa — oświetlenie", "department", "oswietlenie@demo.civitas.local"},
	{"zzm", "Zarząd Zieleni Miejskiej", "department", "zzm@demo.civitas.local"},
	{"mpo", "Miejskie Przedsiębiorstwo Oczyszczania", "company", "mpo@demo.civitas.local"},
	{"sm", "Straż Miejska Miasta Krakowa", "department", "sm@demo.civitas.local"},
	{"ztp", "Zarząd Transportu Publicznego", "department", "ztp@demo.civitas.local"},
	{"mpwik", "Wodociągi Miasta Krakowa", "company", "wodociagi@demo.civitas.local"},
	{"mkz", "Miejski Konserwator Zabytków", "department", "mkz@demo.civitas.local"},
}

func l3(pl, en, uk string) map[string]string { return map[string]string{"pl": pl, "en": en, "uk": uk} }

// demoCategory is a category with what its demo reports say.
type demoCategory struct {
	Category
	unit   string
	weight int
	texts  []string
}

var demoCategories = []demoCategory{
	{Category: Category{Code: "pothole", Group: "roads", ExpectedDays: 14, Keywords: "dziura, jezdnia, asfalt, pothole",
		Names:        l3("Dziura w jezdni", "Pothole", "Вибоїна на дорозі"),
		Descriptions: l3("Ubytek w nawierzchni jezdni, chodnika lub ścieżki rowerowej.", "A hole in the surface of a road, pavement or cycle path.", "Вибоїна в покритті дороги, тротуару чи велодоріжки."),
		Notices:      l3("Zarząd Dróg zabezpieczy miejsce i zaplanuje naprawę.", "The roads authority will make the spot safe and schedule a repair.", "Управління доріг огородить місце і запланує ремонт."),
		Attributes: []Attribute{{Code: "size", Datatype: "singlevaluelist", Variable: true, Order: 1,
			Descriptions: l3("Jak duża jest dziura?", "How big is the hole?", "Наскільки велика вибоїна?"),
			Values: []AttributeValue{{Key: "small", Names: l3("mała (do 20 cm)", "small (under 20 cm)", "мала (до 20 см)")},
				{Key: "medium", Names: l3("średnia (20–50 cm)", "medium (20–50 cm)", "середня (20–50 см)")},
				{Key: "large", Names: l3("duża (ponad 50 cm)", "large (over 50 cm)", "велика (понад 50 см)")}}}}},
		unit: "zdmk", weight: 22, texts: []string{
			"Głęboka dziura przy krawężniku, samochody gwałtownie ją omijają.",
			"Ubytek w asfalcie na przejściu dla pieszych, łatwo się potknąć.",
			"Po zimie jezdnia się rozsypuje, kilka dziur jedna za drugą.",
			"Dziura na ścieżce rowerowej, niewidoczna po zmroku.",
		}},
	{Category: Category{Code: "streetlight", Group: "lighting", ExpectedDays: 7, Keywords: "latarnia, oświetlenie, street light",
		Names:        l3("Niedziałająca latarnia", "Street light out", "Не працює ліхтар"),
		Descriptions: l3("Latarnia nie świeci, miga albo świeci w dzień.", "A street light that is out, flickers or is on during the day.", "Ліхтар не світить, блимає або світить удень."),
		Attributes: []Attribute{{Code: "pole", Datatype: "string", Variable: true, Order: 1,
			Descriptions: l3("Numer słupa (jeśli widoczny)", "Pole number (if visible)", "Номер стовпа (якщо видно)")}}},
		unit: "light", weight: 18, texts: []string{
			"Latarnia nie świeci od kilku dni, na ulicy jest zupełnie ciemno.",
			"Lampa miga przez całą noc.",
			"Trzy latarnie z rzędu nie działają przy przystanku.",
			"Latarnia świeci w ciągu dnia.",
		}},
	{Category: Category{Code: "dumping", Group: "cleanliness", ExpectedDays: 10, Keywords: "śmieci, wysypisko, odpady",
		Names:        l3("Nielegalne wysypisko śmieci", "Illegal dumping", "Незаконне звалище сміття"),
		Descriptions: l3("Porzucone odpady: gruz, opony, meble, worki ze śmieciami.", "Dumped waste: rubble, tyres, furniture, bags of rubbish.", "Викинуті відходи: будівельне сміття, шини, меблі, мішки зі сміттям."),
		Attributes: []Attribute{{Code: "waste", Datatype: "multivaluelist", Variable: true, Order: 1,
			Descriptions: l3("Jakie odpady?", "What kind of waste?", "Які відходи?"),
			Values: []AttributeValue{{Key: "household", Names: l3("komunalne", "household", "побутові")},
				{Key: "rubble", Names: l3("gruz budowlany", "building rubble", "будівельне сміття")},
				{Key: "tyres", Names: l3("opony", "tyres", "шини")},
				{Key: "bulky", Names: l3("meble i gabaryty", "furniture and bulky items", "меблі та великогабаритні речі")}}}}},
		unit: "mpo", weight: 16, texts: []string{
			"Ktoś wyrzucił stare meble i worki ze śmieciami przy altanie śmietnikowej.",
			"Sterta opon na skraju lasku.",
			"Gruz budowlany porzucony na poboczu.",
			"Worki ze śmieciami rozrzucone przy ścieżce nad rzeką.",
		}},
	{Category: Category{Code: "graffiti", Group: "cleanliness", ExpectedDays: 21, Keywords: "graffiti, bazgroły, pustostan",
		Names:        l3("Graffiti", "Graffiti", "Графіті"),
		Descriptions: l3("Napisy i rysunki na budynkach, wiatach, znakach.", "Writing and drawings on buildings, shelters and signs.", "Написи та малюнки на будівлях, зупинках, знаках."),
		Attributes: []Attribute{{Code: "offensive", Datatype: "singlevaluelist", Variable: true, Required: true, Order: 1,
			Descriptions: l3("Czy treść jest obraźliwa?", "Is the content offensive?", "Чи є вміст образливим?"),
			Values:       []AttributeValue{{Key: "yes", Names: l3("tak", "yes", "так")}, {Key: "no", Names: l3("nie", "no", "ні")}}}}},
		unit: "mpo", weight: 10, texts: []string{
			"Świeże graffiti na elewacji zabytkowej kamienicy.",
			"Wulgarny napis na wiacie przystankowej.",
			"Pomazany znak drogowy, nieczytelny.",
		}},
	{Category: Category{Code: "bench", Group: "greenery", ExpectedDays: 21, Keywords: "ławka, park, mała architektura",
		Names:        l3("Uszkodzona ławka", "Damaged bench", "Пошкоджена лавка"),
		Descriptions: l3("Połamana, chwiejąca się lub brakująca ławka w parku czy na skwerze.", "A broken, wobbly or missing bench in a park or square.", "Зламана, хитка або відсутня лавка в парку чи сквері."),
	},
		unit: "zzm", weight: 8, texts: []string{
			"Ławka w parku ma wyłamane deski, wystają gwoździe.",
			"Ławka chwieje się, jedna noga jest odkręcona.",
		}},
	{Category: Category{Code: "snow", Group: "winter", ExpectedDays: 2, Keywords: "śnieg, lód, gołoledź, zima",
		Names:        l3("Śnieg i lód na chodniku", "Snow and ice", "Сніг і лід на тротуарі"),
		Descriptions: l3("Nieodśnieżony chodnik, przystanek lub schody; gołoledź.", "A pavement, stop or stairs not cleared of snow; black ice.", "Неприбраний від снігу тротуар, зупинка чи сходи; ожеледиця."),
		Notices:      l3("Zgłoszenia zimowe obsługujemy w ciągu 48 godzin.", "Winter reports are handled within 48 hours.", "Зимові звернення обробляємо протягом 48 годин.")},
		unit: "mpo", weight: 8, texts: []string{
			"Chodnik nieodśnieżony od rana, bardzo ślisko.",
			"Schody do kładki pokryte lodem.",
			"Przystanek zasypany śniegiem, nie da się wsiąść do autobusu.",
		}},
	{Category: Category{Code: "sign", Group: "roads", ExpectedDays: 7, Keywords: "znak, oznakowanie",
		Names:        l3("Uszkodzony znak drogowy", "Damaged road sign", "Пошкоджений дорожній знак"),
		Descriptions: l3("Przewrócony, przekręcony lub nieczytelny znak.", "A sign that has fallen, been turned or cannot be read.", "Повалений, повернутий або нечитабельний знак.")},
		unit: "zdmk", weight: 6, texts: []string{
			"Znak „ustąp pierwszeństwa” przewrócony na chodnik.",
			"Znak przekręcony o 90 stopni, kierowcy go nie widzą.",
		}},
	{Category: Category{Code: "tree", Group: "greenery", ExpectedDays: 5, Keywords: "drzewo, gałąź, wiatrołom",
		Names:        l3("Złamane lub niebezpieczne drzewo", "Fallen or dangerous tree", "Зламане або небезпечне дерево"),
		Descriptions: l3("Złamana gałąź, pochylone lub przewrócone drzewo.", "A broken branch, a leaning or fallen tree.", "Зламана гілка, нахилене або повалене дерево.")},
		unit: "zzm", weight: 5, texts: []string{
			"Po wichurze duża gałąź zwisa nad chodnikiem.",
			"Drzewo mocno się pochyla w stronę placu zabaw.",
		}},
	{Category: Category{Code: "vehicle", Group: "order", ExpectedDays: 30, ServiceType: TypeBatch, Keywords: "wrak, samochód, porzucony",
		Names:        l3("Porzucony pojazd", "Abandoned vehicle", "Покинутий автомобіль"),
		Descriptions: l3("Wrak lub pojazd bez tablic stojący od dawna.", "A wreck or a vehicle without plates parked for a long time.", "Покинутий автомобіль або авто без номерів, що довго стоїть."),
		Notices:      l3("Zgłoszenie trafia do systemu Straży Miejskiej.", "The report goes to the Municipal Police's system.", "Звернення передається до системи муніципальної варти.")},
		unit: "sm", weight: 4, texts: []string{
			"Samochód bez tablic rejestracyjnych stoi na parkingu od miesięcy.",
			"Wrak z wybitymi szybami na poboczu.",
		}},
	{Category: Category{Code: "stop", Group: "transport", ExpectedDays: 14, Keywords: "przystanek, wiata, tramwaj, autobus",
		Names:        l3("Uszkodzony przystanek", "Damaged bus or tram stop", "Пошкоджена зупинка"),
		Descriptions: l3("Zbita szyba wiaty, zniszczony rozkład, brak ławki.", "A broken shelter pane, a damaged timetable, a missing seat.", "Розбите скло навісу, пошкоджений розклад, відсутня лавка.")},
		unit: "ztp", weight: 5, texts: []string{
			"Zbita szyba w wiacie przystankowej, wszędzie szkło.",
			"Brak rozkładu jazdy na przystanku.",
		}},
	{Category: Category{Code: "water", Group: "utilities", ExpectedDays: 3, Keywords: "woda, wyciek, studzienka, kanalizacja",
		Names:        l3("Wyciek wody lub uszkodzona studzienka", "Water leak or damaged manhole", "Витік води або пошкоджений люк"),
		Descriptions: l3("Woda wypływa na ulicę, zapadnięta lub otwarta studzienka.", "Water running into the street, a sunken or open manhole.", "Вода витікає на вулицю, просів або відкритий люк.")},
		unit: "mpwik", weight: 4, texts: []string{
			"Z pod asfaltu wypływa czysta woda, tworzy się kałuża.",
			"Pokrywa studzienki jest przesunięta, dziura w jezdni.",
		}},
}

var demoStreets = []string{"ul. Długa", "ul. Karmelicka", "al. Pokoju", "ul. Wielicka", "ul. Kalwaryjska", "os. Centrum A",
	"ul. Zakopiańska", "ul. Bora-Komorowskiego", "ul. Kobierzyńska", "ul. Opolska", "ul. Lea", "ul. Dietla",
	"ul. Krowoderska", "ul. Wrocławska", "ul. Kamieńskiego", "ul. Nowohucka", "ul. Mogilska", "ul. Grota-Roweckiego"}

var demoNotes = map[Status][]string{
	Accepted:   {"Zgłoszenie przyjęte, przekazane do zespołu w terenie.", "Dziękujemy, sprawdzimy to miejsce."},
	InProgress: {"Ekipa jest w drodze.", "Prace zaplanowane na ten tydzień.", "Zamówiliśmy materiały, naprawa w toku."},
	Resolved:   {"Usterka usunięta.", "Naprawione, dziękujemy za zgłoszenie.", "Teren uprzątnięty."},
	Rejected:   {"Teren prywatny, poza zarządem miasta — prosimy o kontakt z zarządcą nieruchomości."},
	Referred:   {"Sprawa należy do innego zarządcy, przekazaliśmy ją dalej."},
	Duplicate:  {"To miejsce zostało już zgłoszone, prowadzimy jedną sprawę."},
}

// SeedDemo fills a demo database: units, categories, routing, a partner
// app with DemoAPIKey, and opt.Reports synthetic reports with histories
// across the districts, in one transaction. It does nothing when units
// exist already.
func SeedDemo(ctx context.Context, s *Service, opt DemoOptions) error {
	var n int
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM report_units`).Scan(&n); err != nil {
		return fmt.Errorf("reports: demo: %w", err)
	}
	if n > 0 {
		return nil
	}
	if opt.Reports == 0 {
		opt.Reports = 200
	}
	if opt.Now.IsZero() {
		opt.Now = s.now()
	}
	rng := rand.New(rand.NewPCG(2026, 311))
	now := db.TS(opt.Now)
	if _, err := s.insertKey(ctx, nil, DemoAPIKey, "Aplikacja partnerska (demo)", "partner@demo.civitas.local"); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		unitIDs := map[string]string{}
		for _, u := range demoUnits {
			id := db.NewID()
			unitIDs[u.key] = id
			if err := insertUnit(ctx, tx, Unit{ID: id, Name: u.name, Kind: u.kind, Email: u.email}, now); err != nil {
				return err
			}
			if opt.OfficerEmail != "" {
				if _, err := tx.ExecContext(ctx, `INSERT INTO report_unit_members (unit_id, email, added_at) VALUES ($1, $2, $3)`,
					id, opt.OfficerEmail, now); err != nil {
					return err
				}
			}
		}
		total := 0
		for i, c := range demoCategories {
			c.UnitID, c.Active, c.Position = unitIDs[c.unit], true, i+1
			if c.ServiceType == "" {
				c.ServiceType = TypeRealtime
			}
			if err := upsertCategory(ctx, tx, c.Category, now); err != nil {
				return err
			}
			total += c.weight
		}
		// Graffiti in the Old Town goes to the conservator of monuments.
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_routes (category_code, district, unit_id) VALUES ('graffiti', 1, $1)`, unitIDs["mkz"]); err != nil {
			return err
		}
		// Older reports get lower numbers, as they would have.
		ages := make([]time.Duration, opt.Reports)
		for i := range ages {
			ages[i] = time.Duration(rng.Float64()*rng.Float64()*120*24*3600) * time.Second
		}
		slices.SortFunc(ages, func(a, b time.Duration) int { return cmp.Compare(b, a) })
		var numbers []int64
		for i := range opt.Reports {
			pick := rng.IntN(total)
			var dc demoCategory
			for _, c := range demoCategories {
				if pick < c.weight {
					dc = c
					break
				}
				pick -= c.weight
			}
			dc.UnitID = unitIDs[dc.unit]
			c, err := s.demoCase(ctx, tx, rng, &dc, opt, i, ages[i], numbers)
			if err != nil {
				return err
			}
			numbers = append(numbers, c)
		}
		_, err := tx.ExecContext(ctx, `UPDATE report_counters SET value = $1 WHERE name = 'case'`, int64(len(numbers)))
		return err
	})
}

// demoCase writes one synthetic case with a plausible history. The steps
// draw from rng in a fixed order, so a seed gives the same demo.
func (s *Service) demoCase(ctx context.Context, tx *sql.Tx, rng *rand.Rand, dc *demoCategory, opt DemoOptions, i int, age time.Duration, earlier []int64) (int64, error) {
	created := db.TS(opt.Now.Add(-age - time.Minute))
	c := &Case{ID: db.NewID(), Number: int64(i + 1), Category: dc.Code, Status: Submitted, Description: dc.texts[rng.IntN(len(dc.texts))],
		Channel: ChannelWeb, Lang: "pl", Token: randomToken(12), CreatedAt: created, UpdatedAt: created, Attributes: map[string][]string{}}
	demoReporter(rng, c, opt, i)
	s.demoPlace(rng, c)
	for _, a := range dc.Attributes {
		if len(a.Values) > 0 && (a.Required || rng.IntN(2) == 0) {
			c.Attributes[a.Code] = []string{a.Values[rng.IntN(len(a.Values))].Key}
		}
	}
	unit, err := routeUnit(ctx, tx, &dc.Category, c.District)
	if err != nil {
		return 0, err
	}
	c.UnitID = unit
	c.ExpectedAt = created.AddDate(0, 0, dc.ExpectedDays)
	updates := demoHistory(rng, c, dc, opt, earlier)
	if err := writeDemoCase(ctx, tx, c, updates); err != nil {
		return 0, err
	}
	return c.Number, demoFeedback(ctx, tx, rng, c)
}

// demoReporter picks how the case came in and who reported it.
func demoReporter(rng *rand.Rand, c *Case, opt DemoOptions, i int) {
	switch x := rng.IntN(10); {
	case x < 2:
		c.Channel = ChannelPhone
		c.ReporterName, c.ReporterPhone = "Mieszkaniec (telefon)", fmt.Sprintf("+48 12 %03d %02d %02d", rng.IntN(1000), rng.IntN(100), rng.IntN(100))
	case x < 3:
		c.Channel = ChannelOpen311
	}
	if i%9 == 0 && opt.ResidentID != "" {
		c.Channel, c.ReporterID, c.ReporterEmail, c.ReporterName = ChannelWeb, opt.ResidentID, opt.ResidentEmail, opt.ResidentName
	} else if c.Channel != ChannelPhone {
		c.ReporterEmail = fmt.Sprintf("mieszkaniec%d@demo.civitas.local", i+1)
	}
}

// demoPlace puts the case at a point in a random district, near its
// centre, and most cases at an address.
func (s *Service) demoPlace(rng *rand.Rand, c *Case) {
	if s.Districts != nil && s.Districts.Len() > 0 {
		all := s.Districts.All()
		d := all[rng.IntN(len(all))]
		for range 20 {
			lat := d.Centroid[1] + (rng.Float64()-0.5)*0.02
			lon := d.Centroid[0] + (rng.Float64()-0.5)*0.03
			if got, ok := s.Districts.Locate(lat, lon); ok && got.Number == d.Number {
				c.HasPoint, c.Lat, c.Lon, c.District = true, math.Round(lat*1e6)/1e6, math.Round(lon*1e6)/1e6, d.Number
				break
			}
		}
		if !c.HasPoint {
			c.HasPoint, c.Lat, c.Lon, c.District = true, d.Centroid[1], d.Centroid[0], d.Number
		}
	}
	if rng.IntN(3) > 0 {
		c.Address = fmt.Sprintf("%s %d", demoStreets[rng.IntN(len(demoStreets))], 1+rng.IntN(120))
	}
}

// demoHistory moves the case along and returns its history: older
// reports have gone further.
func demoHistory(rng *rand.Rand, c *Case, dc *demoCategory, opt DemoOptions, earlier []int64) []Update {
	created := c.CreatedAt
	updates := []Update{{At: created, Kind: UpdateSubmitted, Status: Submitted, AuthorID: c.ReporterID}}
	at := created
	step := func(st Status, maxHours int) bool {
		next := at.Add(time.Duration(1+rng.IntN(maxHours)) * time.Hour)
		if next.After(opt.Now) {
			return false
		}
		at = next
		note := ""
		if notes := demoNotes[st]; len(notes) > 0 && rng.IntN(3) > 0 {
			note = notes[rng.IntN(len(notes))]
		}
		c.Status, c.StatusNotes, c.UpdatedAt = st, note, at
		switch st {
		case Resolved:
			c.ResolvedAt = at
		case Closed, Rejected, Duplicate, Referred:
			c.ClosedAt = at
		}
		updates = append(updates, Update{At: at, Kind: UpdateStatus, Status: st, Body: note, Author: "Olgierd Urzędnik"})
		return true
	}
	switch r := rng.IntN(100); {
	case r < 6:
		step(Rejected, 72)
	case r < 11 && len(earlier) > 0:
		if step(Duplicate, 48) {
			c.DuplicateOf = earlier[rng.IntN(len(earlier))]
		}
	case r < 14:
		if step(Referred, 72) {
			c.ReferredTo = "Zarząd Infrastruktury Sportowej"
		}
	default:
		ok := step(Accepted, 48) && step(InProgress, 24*dc.ExpectedDays/2+24) && step(Resolved, 24*dc.ExpectedDays)
		if ok && rng.IntN(12) == 0 {
			at = at.Add(time.Duration(1+rng.IntN(48)) * time.Hour)
			if at.Before(opt.Now) {
				c.Status, c.ResolvedAt, c.StatusNotes, c.UpdatedAt, c.ReopenCount = Reopened, time.Time{}, "", at, 1
				updates = append(updates, Update{At: at, Kind: UpdateReopened, Status: Reopened, Body: "Problem wrócił po kilku dniach.", AuthorID: c.ReporterID})
			}
		} else if ok {
			step(Closed, 24*14)
		}
	}
	if c.Status == Submitted && rng.IntN(4) == 0 {
		updates = append(updates, Update{At: created.Add(time.Hour), Kind: UpdateNote, Internal: true,
			Body: "Sprawdzić, czy to nie teren prywatny.", Author: "Olgierd Urzędnik"})
	}
	if c.Status.Open() && rng.IntN(3) == 0 {
		c.Supporters = 1 + rng.IntN(6)
	}
	return updates
}

// writeDemoCase stores the case as its history left it, with its
// supporters, history and (when resolved) the auto-close job.
func writeDemoCase(ctx context.Context, tx *sql.Tx, c *Case, updates []Update) error {
	if err := insertCase(ctx, tx, c); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE report_cases SET status = $1, status_notes = $2, updated_at = $3, resolved_at = $4,
		closed_at = $5, duplicate_of = $6, referred_to = $7, supporters = $8, reopen_count = $9 WHERE id = $10`,
		string(c.Status), c.StatusNotes, db.TS(c.UpdatedAt), db.NullTimeOf(c.ResolvedAt), db.NullTimeOf(c.ClosedAt), db.Null(c.DuplicateOf),
		c.ReferredTo, c.Supporters, c.ReopenCount, c.ID); err != nil {
		return err
	}
	for j := range c.Supporters {
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_supports (case_id, user_id, created_at) VALUES ($1, $2, $3)`,
			c.ID, fmt.Sprintf("demo-supporter-%d", j+1), db.TS(c.CreatedAt.Add(time.Duration(j+1)*time.Hour))); err != nil {
			return err
		}
	}
	for _, u := range updates {
		if err := insertUpdate(ctx, tx, c.ID, u); err != nil {
			return err
		}
	}
	if c.Status == Resolved {
		return jobs.Enqueue(ctx, tx, JobAutoClose, autoClosePayload{CaseID: c.ID},
			jobs.Options{RunAt: c.ResolvedAt.AddDate(0, 0, DefaultSettings.ReopenDays).Add(time.Minute)})
	}
	return nil
}

// demoFeedback answers the satisfaction question of half the ended cases.
func demoFeedback(ctx context.Context, tx *sql.Tx, rng *rand.Rand, c *Case) error {
	if !FeedbackAsked(c.Status) || rng.IntN(2) != 0 {
		return nil
	}
	rating := 1 + rng.IntN(5)
	if c.Status == Closed {
		rating = 3 + rng.IntN(3)
	}
	comment := ""
	if rng.IntN(3) == 0 {
		comment = []string{"Szybko i sprawnie.", "Mogło być szybciej.", "Dziękuję!", "Nikt mnie nie poinformował o terminie."}[rng.IntN(4)]
	}
	return saveFeedback(ctx, tx, c.ID, rating, comment, c.ClosedAt.Add(time.Hour))
}
