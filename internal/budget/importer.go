package budget

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/apperr"
	"github.com/civitas-city/civitas/internal/ballot"
	"github.com/civitas-city/civitas/internal/budget/pabulib"
	"github.com/civitas-city/civitas/internal/budget/rules"
	"github.com/civitas-city/civitas/internal/db"
)

// ImportOptions says where an imported election goes.
type ImportOptions struct {
	// Slug is the edition's; an existing edition gets the pool added.
	Slug  string
	Title string // a new edition's title; default the file's description
	// PoolSlug and PoolName name the pool; defaults from the file.
	PoolSlug string
	PoolName string
	District int
	// Rule overrides the counting rule; default the file's META rule.
	Rule string
	// Source names the file, for the edition page.
	Source string
	Actor  Actor
}

// Imported is what an import made.
type Imported struct {
	Edition  *Edition
	Pool     *Pool
	Projects int
	Ballots  int
	Result   *rules.Result
}

// ruleFromMeta maps a Pabulib META rule to a counting rule.
func ruleFromMeta(meta string) string {
	switch strings.ToLower(strings.TrimSpace(meta)) {
	case "greedy-threshold":
		return string(rules.GreedyThreshold)
	case "greedy-no-skip":
		return string(rules.GreedyNoSkip)
	case "equalshares":
		return string(rules.MESCost)
	case "equalshares/add1":
		return string(rules.MESCostAdd1)
	}
	return string(rules.Greedy)
}

// Import creates a pool (and its edition when new) from a Pabulib election,
// in the results phase: its projects, every ballot (with a fresh receipt,
// no participation), the turnout by age when the file has ages, and the
// count.
func (s *Service) Import(ctx context.Context, el *pabulib.Election, o ImportOptions) (*Imported, error) {
	pool, title, err := importedPool(el, o)
	if err != nil {
		return nil, err
	}
	codeToID := map[string]string{}
	for _, p := range el.Projects {
		codeToID[p.ID] = db.NewID()
	}
	ballots, err := importedBallots(el, &pool, codeToID)
	if err != nil {
		return nil, err
	}
	out := &Imported{Pool: &pool, Projects: len(el.Projects), Ballots: len(ballots)}
	now := s.now()
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		e, err := s.importEdition(ctx, tx, o, title, votingDates(el), now)
		if err != nil {
			return err
		}
		out.Edition = e
		return s.writeImport(ctx, tx, el, o, e, &pool, codeToID, ballots, now)
	})
	if err != nil {
		return nil, err
	}
	e, err := s.EditionByID(ctx, out.Edition.ID)
	if err != nil {
		return nil, err
	}
	out.Edition = e
	p, _ := e.PoolByID(pool.ID)
	out.Pool = p
	if out.Result, err = s.CountPool(ctx, e, p); err != nil {
		return nil, fmt.Errorf("budget: import: count: %w", err)
	}
	return out, nil
}

// importedPool is the pool an election fills, named from the options or
// the file's META, and the title a new edition gets.
func importedPool(el *pabulib.Election, o ImportOptions) (Pool, string, error) {
	amount, err := RatMoney(el.Budget)
	if err != nil || amount <= 0 {
		return Pool{}, "", fmt.Errorf("budget: import: the budget %s is not an amount in grosze", rules.FormatRat(el.Budget))
	}
	title := o.Title
	if title == "" {
		title, _ = el.MetaValue("description")
	}
	poolName := o.PoolName
	if poolName == "" {
		for _, k := range []string{"district", "subunit", "unit"} {
			if v, ok := el.MetaValue(k); ok && v != "" {
				poolName = v
				break
			}
		}
	}
	if poolName == "" {
		poolName = title
	}
	poolSlug := o.PoolSlug
	if poolSlug == "" {
		poolSlug = slugify(poolName)
	}
	rule := o.Rule
	if rule == "" {
		meta, _ := el.MetaValue("rule")
		rule = ruleFromMeta(meta)
	}
	pool := Pool{Slug: poolSlug, Name: poolName, District: o.District, Amount: amount, Rule: rule}
	if t, err := el.Threshold(); err != nil {
		return Pool{}, "", err
	} else if t != nil {
		pool.Threshold = rules.FormatRat(t)
	}
	if err := importedBallotKind(el, &pool); err != nil {
		return Pool{}, "", err
	}
	return pool, title, nil
}

// importedBallotKind sets the pool's ballot from the file's vote type and
// lengths: a ranking gets linear points over max_length.
func importedBallotKind(el *pabulib.Election, pool *Pool) error {
	longest := 0
	for _, v := range el.Votes {
		longest = max(longest, len(v.Projects))
	}
	maxLen := longest
	if v, ok := el.MetaValue("max_length"); ok {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			maxLen = n
		}
	}
	minLen := 0
	if v, ok := el.MetaValue("min_length"); ok {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			minLen = min(n, maxLen)
		}
	}
	switch el.VoteType {
	case pabulib.Approval, pabulib.Choose1:
		pool.Ballot = Approval
	case pabulib.Ordinal:
		if longest > maxLen {
			return fmt.Errorf("budget: import: a ballot ranks %d projects, more than max_length %d", longest, maxLen)
		}
		pool.Ballot = Ranking
		for r := range maxLen {
			pool.Points = append(pool.Points, maxLen-r)
		}
	case pabulib.Cumulative, pabulib.Scoring:
		pool.Ballot = Cumulative
	default:
		return fmt.Errorf("budget: import: vote type %q is not supported", el.VoteType)
	}
	pool.MinChoices, pool.MaxChoices = minLen, max(maxLen, 1)
	return nil
}

// importedBallot is a file's vote as a ballot stores it.
type importedBallot struct{ choices, points string }

// importedBallots turns the file's votes into ballots over the projects'
// new ids; a cumulative pool's most points is the largest sum given.
func importedBallots(el *pabulib.Election, pool *Pool, codeToID map[string]string) ([]importedBallot, error) {
	ballots := make([]importedBallot, 0, len(el.Votes))
	maxSum := 0
	for i, v := range el.Votes {
		var b importedBallot
		ids := make([]string, len(v.Projects))
		for j, code := range v.Projects {
			ids[j] = codeToID[code]
		}
		b.choices = strings.Join(ids, ",")
		switch pool.Ballot {
		case Ranking:
			b.points = ballot.JoinInts(pool.Points[:len(v.Projects)])
		case Cumulative:
			pts := make([]int, len(v.Points))
			sum := 0
			for j, r := range v.Points {
				if !r.IsInt() || !r.Num().IsInt64() || r.Sign() < 0 || r.Num().Int64() > 1_000_000 {
					return nil, fmt.Errorf("budget: import: vote %d: points %s are not a whole number", i+1, rules.FormatRat(r))
				}
				pts[j] = int(r.Num().Int64())
				sum += pts[j]
			}
			maxSum = max(maxSum, sum)
			b.points = ballot.JoinInts(pts)
		}
		ballots = append(ballots, b)
	}
	if pool.Ballot == Cumulative {
		pool.MaxPoints = max(maxSum, 1)
	}
	return ballots, nil
}

// importedAges counts the voters by age band when the file has an age
// column.
func importedAges(el *pabulib.Election) map[[2]string]int {
	ageCol := -1
	for i, c := range el.VoteColumns {
		if strings.EqualFold(strings.TrimSpace(c), "age") {
			ageCol = i
		}
	}
	ages := map[[2]string]int{}
	if ageCol > 0 {
		for _, v := range el.Votes {
			if age, ok := voteExtra(el, v, ageCol); ok {
				if n, err := strconv.Atoi(age); err == nil && n >= 0 && n < 130 {
					ages[[2]string{"age", bandOf(n)}]++
				}
			}
		}
	}
	return ages
}

// votingDates reads the vote's dates from a Pabulib file's META
// (date_begin, date_end, written DD.MM.YYYY): the voting phase starts on
// the first day and the results follow the last. Missing or unreadable
// dates are left out.
func votingDates(el *pabulib.Election) map[Phase]time.Time {
	starts := map[Phase]time.Time{}
	read := func(key string) (time.Time, bool) {
		v, ok := el.MetaValue(key)
		if !ok {
			return time.Time{}, false
		}
		t, err := time.Parse("02.01.2006", strings.TrimSpace(v))
		return t, err == nil
	}
	if t, ok := read("date_begin"); ok {
		starts[PhaseVoting] = t
	}
	if t, ok := read("date_end"); ok {
		starts[PhaseResults] = t.AddDate(0, 0, 1)
	}
	return starts
}

// importEdition is the edition with the options' slug, made (in results,
// audited) when there is none yet.
func (s *Service) importEdition(ctx context.Context, tx *sql.Tx, o ImportOptions, title string, starts map[Phase]time.Time, now time.Time) (*Edition, error) {
	e, err := loadEdition(ctx, tx, "slug", o.Slug)
	if !apperr.Is(err, apperr.NotFound) {
		return e, err
	}
	e = &Edition{ID: db.NewID(), Slug: o.Slug, Kind: KindCity, Title: oneLine(title), Phase: PhaseResults,
		Starts: starts, PoolPolicy: PolicyAny, PaperPolicy: FirstWins, Source: o.Source,
		CreatedAt: now, UpdatedAt: now}
	if !slugRE.MatchString(e.Slug) || e.Title == "" {
		return nil, errors.New("budget: import: the edition needs a slug (a-z, 0-9, -) and a title")
	}
	if err := insertEdition(ctx, tx, e); err != nil {
		return nil, err
	}
	if err := s.record(ctx, tx, o.Actor, "budget.edition.create", "pb_edition", e.ID, map[string]string{"slug": e.Slug, "source": o.Source}); err != nil {
		return nil, err
	}
	return e, nil
}

// writeImport adds the pool to e with its projects (accepted), ballots and
// turnout by age, audited.
func (s *Service) writeImport(ctx context.Context, tx *sql.Tx, el *pabulib.Election, o ImportOptions, e *Edition, pool *Pool,
	codeToID map[string]string, ballots []importedBallot, now time.Time) error {
	if _, dup := e.Pool(pool.Slug); dup {
		return fmt.Errorf("budget: import: edition %s already has a pool %q", e.Slug, pool.Slug)
	}
	pool.ID, pool.EditionID, pool.Position = db.NewID(), e.ID, len(e.Pools)
	if err := insertPool(ctx, tx, pool); err != nil {
		return err
	}
	for _, p := range el.Projects {
		cost, err := RatMoney(p.Cost)
		if err != nil {
			return fmt.Errorf("budget: import: project %s: the cost %s is not an amount in grosze", p.ID, rules.FormatRat(p.Cost))
		}
		name, ok := el.ProjectValue(projectIndex(el, p.ID), "name")
		if !ok || name == "" {
			name = p.ID
		}
		category, _ := el.ProjectValue(projectIndex(el, p.ID), "category")
		category, _, _ = strings.Cut(category, ",")
		pr := &Project{ID: codeToID[p.ID], EditionID: e.ID, PoolID: pool.ID, Code: p.ID, Title: oneLine(name),
			Category: strings.TrimSpace(category), Cost: cost, Status: StatusAccepted, CreatedAt: now, SubmittedAt: now, UpdatedAt: now}
		if err := insertProject(ctx, tx, pr); err != nil {
			return err
		}
	}
	for _, b := range ballots {
		if err := s.ballots().Import(ctx, tx, e.ID, pool.ID, b.choices, b.points); err != nil {
			return err
		}
	}
	if ages := importedAges(el); len(ages) > 0 {
		if err := writeTurnout(ctx, tx, pool.ID, ages); err != nil {
			return err
		}
	}
	return s.record(ctx, tx, o.Actor, "budget.import", "pb_pool", pool.ID, map[string]string{
		"edition": e.Slug, "pool": pool.Slug, "source": o.Source, "ballots": strconv.Itoa(len(ballots))})
}

func projectIndex(el *pabulib.Election, id string) int {
	for i, p := range el.Projects {
		if p.ID == id {
			return i
		}
	}
	return -1
}

// voteExtra returns a vote's value in column col of VoteColumns.
func voteExtra(el *pabulib.Election, v pabulib.Vote, col int) (string, bool) {
	x := 0
	for c, name := range el.VoteColumns {
		name = strings.ToLower(strings.TrimSpace(name))
		if c == 0 || name == "vote" || (name == "points" && el.VoteType.HasPoints()) {
			continue
		}
		if c == col {
			if x < len(v.Extra) {
				s := strings.TrimSpace(v.Extra[x])
				return s, s != "" && !strings.EqualFold(s, "none")
			}
			return "", false
		}
		x++
	}
	return "", false
}

// Slug makes a URL slug of s: its ASCII letters and digits in lower case,
// every other run as one "-", at most 60 bytes; "" when nothing is left.
// Pool slugs here and the edition slugs of `civitas pb import` share it.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimRight(b.String(), "-")
	if len(out) > 60 {
		out = strings.TrimRight(out[:60], "-")
	}
	return out
}

// slugify makes a pool's slug of its name: Polish letters folded first,
// "pool" when nothing is left.
func slugify(name string) string {
	fold := strings.NewReplacer("ą", "a", "ć", "c", "ę", "e", "ł", "l", "ń", "n", "ó", "o", "ś", "s", "ź", "z", "ż", "z")
	if s := Slug(fold.Replace(strings.ToLower(name))); s != "" {
		return s
	}
	return "pool"
}
