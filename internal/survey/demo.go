package survey

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"time"

	"github.com/civitas-city/civitas/internal/db"
)

// The demo's surveys.
const (
	DemoSatisfaction = "satysfakcja-klientow"
	DemoWave2024     = "satysfakcja-2024" // closed, with results
	DemoWave2025     = "satysfakcja-2025" // open, with answers so far
	DemoOpen         = "jakosc-zycia-2025"
	DemoPanel        = "dystans-spoleczny-panel"
)

func t3(pl, en, uk string) Text { return Text{"pl": pl, "en": en, "uk": uk} }

// demoSatisfaction is the customer-satisfaction questionnaire.
func demoSatisfaction() Definition {
	zero, fifty := 0.0, 50.0
	return Definition{
		Intro: t3("Pytamy o ostatnią sprawę załatwianą w urzędzie. Ankieta zajmie 2 minuty.",
			"We ask about the last matter you had handled by the office. The survey takes 2 minutes.",
			"Ми питаємо про останню справу, яку ви вирішували в установі. Опитування займе 2 хвилини."),
		Sections: []Section{
			{Title: t3("Twoja sprawa", "Your matter", "Ваша справа"), Pages: []Page{{Questions: []Question{
				{Key: "channel", Kind: Single, Required: true, Text: t3("Jak załatwiano sprawę?", "How was your matter handled?", "Як вирішували справу?"),
					Options: []Option{{1, t3("osobiście w urzędzie", "in person at the office", "особисто в установі")}, {2, t3("przez internet", "online", "онлайн")}}},
				{Key: "nps", Kind: NPS, Required: true, Text: t3("Jak prawdopodobne jest, że polecisz urząd znajomym? (0–10)",
					"How likely are you to recommend the office to a friend? (0–10)", "Наскільки ймовірно, що ви порадите установу знайомим? (0–10)")},
			}}}},
			{Title: t3("Szczegóły", "Details", "Деталі"), Pages: []Page{{Questions: []Question{
				{Key: "why_low", Kind: ShortText, Required: true, Text: t3("Co najbardziej trzeba poprawić?", "What most needs improving?", "Що найбільше потрібно покращити?"),
					ShowIf: &Condition{Question: "nps", AnyOf: []int{0, 1, 2, 3, 4, 5, 6}}},
				{Key: "courtesy", Kind: Likert, Points: 5, Text: t3("Uprzejmość obsługi", "Courtesy of the staff", "Ввічливість обслуговування"),
					Options: []Option{{1, t3("bardzo źle", "very poor", "дуже погано")}, {5, t3("bardzo dobrze", "very good", "дуже добре")}}},
				{Key: "visits", Kind: Number, Min: &zero, Max: &fifty, Text: t3("Ile spraw załatwiłeś w urzędzie w ostatnim roku?",
					"How many matters did you have handled in the last year?", "Скільки справ ви вирішили в установі за останній рік?")},
			}}}},
		},
	}
}

// demoQualityOfLife is the open survey: one of each remaining kind.
func demoQualityOfLife() Definition {
	opts := func(labels ...Text) []Option {
		var out []Option
		for i, l := range labels {
			out = append(out, Option{Code: i + 1, Text: l})
		}
		return out
	}
	scale := opts(t3("źle", "poor", "погано"), t3("średnio", "fair", "посередньо"), t3("dobrze", "good", "добре"))
	return Definition{Sections: []Section{{Title: t3("Życie w mieście", "Life in the city", "Життя в місті"), Pages: []Page{
		{Questions: []Question{
			{Key: "areas", Kind: Matrix, Text: t3("Jak oceniasz w swojej okolicy:", "How do you rate in your area:", "Як ви оцінюєте у своєму районі:"),
				Options: scale, Rows: opts(t3("komunikację", "public transport", "транспорт"), t3("zieleń", "green space", "зелень"), t3("bezpieczeństwo", "safety", "безпеку"))},
			{Key: "priorities", Kind: Ranking, Text: t3("Uszereguj priorytety miasta", "Rank the city's priorities", "Розставте пріоритети міста"),
				Options: opts(t3("czyste powietrze", "clean air", "чисте повітря"), t3("mieszkania", "housing", "житло"), t3("drogi", "roads", "дороги")), Randomize: true},
		}},
		{Questions: []Question{
			{Key: "uses", Kind: Multiple, Text: t3("Z czego korzystasz?", "What do you use?", "Чим ви користуєтеся?"), Other: true, Randomize: true,
				Options: opts(t3("tramwaj", "tram", "трамвай"), t3("rower miejski", "city bike", "міський велосипед"), t3("biblioteka", "library", "бібліотека"))},
			{Key: "moved_in", Kind: Date, Text: t3("Od kiedy mieszkasz w Krakowie?", "Since when have you lived in Kraków?", "Відколи ви живете в Кракові?")},
			{Key: "comment", Kind: LongText, Text: t3("Co jeszcze chcesz nam powiedzieć?", "What else would you like to tell us?", "Що ще ви хочете нам сказати?")},
		}},
	}}}}
}

// SeedDemo loads the demo surveys: the customer-satisfaction questionnaire
// with a closed 2024 wave and an open 2025 wave of synthetic answers (the
// sample leans young, the young are less satisfied, so the NPS weighted
// to the register differs from the unweighted), an open quality-of-life
// survey, and a panel survey with invitations. It does nothing when the
// satisfaction questionnaire exists.
func SeedDemo(ctx context.Context, s *Service, officerID string) error {
	if v, err := latestVersion(ctx, s.DB, DemoSatisfaction); err != nil || v > 0 {
		return err
	}
	a := Actor{ID: officerID, Name: "demo"}
	now := s.now()
	sat, err := s.CreateQuestionnaire(ctx, a, QuestionnaireInput{Slug: DemoSatisfaction,
		Title: t3("Satysfakcja klientów urzędu", "Customer satisfaction with the city office", "Задоволеність клієнтів установи"), Def: demoSatisfaction()})
	if err != nil {
		return err
	}
	start24 := time.Date(now.Year()-1, 10, 1, 0, 0, 0, 0, time.UTC)
	w24, err := s.CreateWave(ctx, a, WaveInput{QuestionnaireID: sat.ID, Slug: DemoWave2024, Name: "2024", Access: Anyone,
		OpensAt: start24, ClosesAt: start24.AddDate(0, 2, 0)})
	if err != nil {
		return err
	}
	w25, err := s.CreateWave(ctx, a, WaveInput{QuestionnaireID: sat.ID, Slug: DemoWave2025, Name: "2025", Access: Anyone,
		OpensAt: now.AddDate(0, 0, -14), ClosesAt: now.AddDate(0, 2, 0)})
	if err != nil {
		return err
	}
	if err := seedAnswers(ctx, s.DB, w24, 600, 2024, start24); err != nil {
		return err
	}
	if err := seedAnswers(ctx, s.DB, w25, 400, 2025, w25.OpensAt); err != nil {
		return err
	}
	qol, err := s.CreateQuestionnaire(ctx, a, QuestionnaireInput{Slug: "jakosc-zycia",
		Title: t3("Jakość życia w Krakowie", "Quality of life in Kraków", "Якість життя в Кракові"), Def: demoQualityOfLife()})
	if err != nil {
		return err
	}
	if _, err := s.CreateWave(ctx, a, WaveInput{QuestionnaireID: qol.ID, Slug: DemoOpen, Name: "2025", Access: Anyone,
		OpensAt: now.AddDate(0, 0, -3), ClosesAt: now.AddDate(0, 3, 0)}); err != nil {
		return err
	}
	panel, err := s.CreateQuestionnaire(ctx, a, QuestionnaireInput{Slug: "dystans-spoleczny",
		Title: t3("Dystans społeczny wobec mniejszości", "Social distance to minority groups", "Соціальна дистанція щодо меншин"),
		Def: Definition{Sections: []Section{{Title: t3("Sąsiedztwo", "Neighbours", "Сусідство"), Pages: []Page{{Questions: []Question{
			{Key: "neighbour", Kind: Likert, Points: 7, Required: true,
				Text:    t3("Czy zaakceptował(a)byś sąsiada innej narodowości?", "Would you accept a neighbour of another nationality?", "Чи прийняли б ви сусіда іншої національності?"),
				Options: []Option{{1, t3("zdecydowanie nie", "definitely not", "рішуче ні")}, {7, t3("zdecydowanie tak", "definitely yes", "рішуче так")}}},
		}}}}}}})
	if err != nil {
		return err
	}
	if _, err := s.CreateWave(ctx, a, WaveInput{QuestionnaireID: panel.ID, Slug: DemoPanel, Name: "2025", Access: Panel,
		OpensAt: now.AddDate(0, 0, -1), ClosesAt: now.AddDate(0, 1, 0), RemindDays: 7, MaxReminders: 2}); err != nil {
		return err
	}
	if s.Catalog != nil {
		_, err = s.Invite(ctx, a, DemoPanel, []string{"panel1@example.org", "panel2@example.org", "panel3@example.org"}, "pl")
	}
	return err
}

// seedAnswers adds n synthetic completed responses to a wave. The sample
// over-represents the young and the central districts; satisfaction
// rises with age and is higher in person, so weighting to the register
// raises the NPS.
func seedAnswers(ctx context.Context, d *db.DB, w *Wave, n int, seed uint64, from time.Time) error {
	rng := rand.New(rand.NewPCG(seed, 16))
	return d.InTx(ctx, func(tx *sql.Tx) error {
		for i := range n {
			band := min(rng.IntN(len(AgeBands)), rng.IntN(len(AgeBands))) // young more often
			channel := 1 + rng.IntN(2)
			p := 0.30 + 0.07*float64(band)
			if channel == 1 {
				p += 0.1
			}
			if seed == 2025 {
				p += 0.05
			}
			var score int
			switch x := rng.Float64(); {
			case x < p:
				score = 9 + rng.IntN(2)
			case x < p+0.35:
				score = 7 + rng.IntN(2)
			default:
				score = rng.IntN(7)
			}
			at := from.Add(time.Duration(i) * 37 * time.Minute)
			r := &Response{ID: db.NewID(), WaveID: w.ID, Channel: Online, District: 1 + min(rng.IntN(18), rng.IntN(18)), AgeBand: AgeBands[band],
				NextPage: 2, StartedAt: at, UpdatedAt: at, CompletedAt: at}
			answers := map[string]Answer{"channel": {Codes: []int{channel}}, "nps": {Codes: []int{score}},
				"courtesy": {Codes: []int{1 + min(4, score/2)}}}
			if score <= 6 {
				answers["why_low"] = Answer{Text: []string{"kolejki", "długi czas oczekiwania", "formularze", "godziny otwarcia"}[rng.IntN(4)]}
			}
			if rng.IntN(3) > 0 {
				v := float64(1 + rng.IntN(6))
				answers["visits"] = Answer{Number: &v}
			}
			if err := insertResponse(ctx, tx, r, "demo:"+r.ID); err != nil {
				return err
			}
			if err := saveAnswers(ctx, tx, r.ID, []string{"channel", "nps", "why_low", "courtesy", "visits"}, answers); err != nil {
				return err
			}
		}
		return nil
	})
}
