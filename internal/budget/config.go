package budget

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/civitas-city/civitas/internal/i18n"
	"maps"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/civitas-city/civitas/internal/budget/rules"
)

// Config is an edition's configuration as officers write it (JSON, see
// docs/budget.md): everything about the edition and its pools. Amounts are
// decimal złoty strings, times RFC 3339.
type Config struct {
	Slug        string      `json:"slug"`
	Kind        Kind        `json:"kind"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	School      string      `json:"school,omitempty"`
	AutoPhases  bool        `json:"auto_phases"`
	Schedule    Schedule    `json:"schedule,omitzero"`
	MinAge      int         `json:"min_age"`
	PoolPolicy  PoolPolicy  `json:"pool_policy"`
	AllowChange bool        `json:"allow_change"`
	PaperPolicy PaperPolicy `json:"paper_policy"`
	DoubleKey   bool        `json:"double_key"`
	Signatures  int         `json:"signatures"`
	MaxCost     string      `json:"max_cost,omitempty"`
	Categories  []string    `json:"categories,omitempty"`
	// Coordinators are user ids of the officers who alone (with admins)
	// manage this edition; empty means every budget officer.
	Coordinators []string     `json:"coordinators,omitempty"`
	Pools        []PoolConfig `json:"pools"`
	// Versions are the title, description and categories in the site's
	// other languages: {"title": {"en": "..."}, "category:zieleń": {...}}.
	Versions i18n.Versions `json:"versions,omitempty"`
}

// Schedule is the planned start of each phase.
type Schedule struct {
	Submission  *time.Time `json:"submission,omitempty"`
	Review      *time.Time `json:"review,omitempty"`
	Appeals     *time.Time `json:"appeals,omitempty"`
	Voting      *time.Time `json:"voting,omitempty"`
	Results     *time.Time `json:"results,omitempty"`
	Realization *time.Time `json:"realization,omitempty"`
}

func (s *Schedule) fields() map[Phase]**time.Time {
	return map[Phase]**time.Time{
		PhaseSubmission: &s.Submission, PhaseReview: &s.Review, PhaseAppeals: &s.Appeals,
		PhaseVoting: &s.Voting, PhaseResults: &s.Results, PhaseRealization: &s.Realization,
	}
}

// PoolConfig is one pool's configuration.
type PoolConfig struct {
	Slug          string     `json:"slug"`
	Name          string     `json:"name"`
	District      int        `json:"district,omitempty"`
	Amount        string     `json:"amount"`
	Ballot        BallotKind `json:"ballot"`
	MinChoices    int        `json:"min_choices"`
	MaxChoices    int        `json:"max_choices"`
	Points        []int      `json:"points,omitempty"`
	MaxPoints     int        `json:"max_points,omitempty"`
	MaxPerProject int        `json:"max_per_project,omitempty"`
	Rule          string     `json:"rule"`
	Threshold     string     `json:"threshold,omitempty"`
	// Versions are the name in the site's other languages: {"name": {"en": "..."}}.
	Versions i18n.Versions `json:"versions,omitempty"`
}

// Problem is one thing wrong in a configuration: where (a JSON path such as
// "pools[2].amount") and why (a catalog key).
type Problem struct {
	Path string
	Key  string
}

// ConfigError lists every problem of a configuration.
type ConfigError struct{ Problems []Problem }

func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("budget: invalid configuration:")
	for _, p := range e.Problems {
		fmt.Fprintf(&b, " %s: %s;", p.Path, p.Key)
	}
	return b.String()
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// CountingRules are the rules a pool may be counted with: every rule of the
// engine.
func CountingRules() []string {
	out := make([]string, len(rules.AllRules))
	for i, r := range rules.AllRules {
		out[i] = string(r)
	}
	return out
}

// ParseConfig reads a configuration strictly (unknown keys are errors).
func ParseConfig(b []byte) (Config, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, &ConfigError{Problems: []Problem{{Path: "config", Key: "budget.config.error.json"}}}
	}
	return c, nil
}

// Validate checks a configuration and names every problem. isDistrict tells
// the city's district numbers (nil accepts any positive number).
func (c *Config) Validate(isDistrict func(int) bool) error {
	var ps problems
	c.checkEdition(&ps)
	c.checkSchedule(&ps)
	if len(c.Pools) == 0 {
		ps.add("pools", "budget.config.error.no_pools")
	}
	if len(c.Pools) > 200 {
		ps.add("pools", "budget.config.error.too_many_pools")
	}
	seen := map[string]bool{}
	districts := map[int]bool{}
	for i, p := range c.Pools {
		at := func(f string) string { return fmt.Sprintf("pools[%d].%s", i, f) }
		if !slugRE.MatchString(p.Slug) {
			ps.add(at("slug"), "budget.config.error.slug")
		} else if seen[p.Slug] {
			ps.add(at("slug"), "budget.config.error.slug_twice")
		}
		seen[p.Slug] = true
		if strings.TrimSpace(p.Name) == "" || len(p.Name) > 200 {
			ps.add(at("name"), "budget.config.error.pool_name")
		}
		if p.District < 0 || (p.District > 0 && isDistrict != nil && !isDistrict(p.District)) {
			ps.add(at("district"), "budget.config.error.district")
		} else if p.District > 0 && c.PoolPolicy == PolicyCityAndHome {
			if districts[p.District] {
				ps.add(at("district"), "budget.config.error.district_twice")
			}
			districts[p.District] = true
		}
		p.check(at, &ps)
		checkVersions(p.Versions, at("versions"), map[string]int{"name": 200}, &ps)
	}
	if len(ps) > 0 {
		return &ConfigError{Problems: ps}
	}
	return nil
}

// problems gathers a configuration's problems.
type problems []Problem

func (ps *problems) add(path, key string) { *ps = append(*ps, Problem{path, key}) }

// checkEdition checks the edition's own settings.
func (c *Config) checkEdition(ps *problems) {
	if !slugRE.MatchString(c.Slug) {
		ps.add("slug", "budget.config.error.slug")
	}
	if !slices.Contains(Kinds, c.Kind) {
		ps.add("kind", "budget.config.error.kind")
	}
	if strings.TrimSpace(c.Title) == "" || len(c.Title) > 200 {
		ps.add("title", "budget.config.error.title")
	}
	if c.Kind == KindSchool && strings.TrimSpace(c.School) == "" {
		ps.add("school", "budget.config.error.school")
	}
	if c.MinAge < 0 || c.MinAge > 120 {
		ps.add("min_age", "budget.config.error.min_age")
	}
	switch c.PoolPolicy {
	case PolicyCityAndHome, PolicyCityAndOneDistrict, PolicyAny:
	default:
		ps.add("pool_policy", "budget.config.error.pool_policy")
	}
	switch c.PaperPolicy {
	case FirstWins, VoidBoth:
	default:
		ps.add("paper_policy", "budget.config.error.paper_policy")
	}
	if c.Signatures < 0 || c.Signatures > 10000 {
		ps.add("signatures", "budget.config.error.signatures")
	}
	if c.MaxCost != "" {
		if _, err := ParseMoney(c.MaxCost); err != nil {
			ps.add("max_cost", "budget.config.error.amount")
		}
	}
	for i, cat := range c.Categories {
		if strings.TrimSpace(cat) == "" || len(cat) > 100 || strings.ContainsAny(cat, "\r\n") {
			ps.add(fmt.Sprintf("categories[%d]", i), "budget.config.error.category")
		}
	}
	limits := map[string]int{"title": 200, "description": 5000}
	for _, cat := range c.Categories {
		limits["category:"+strings.TrimSpace(cat)] = 100
	}
	checkVersions(c.Versions, "versions", limits, ps)
}

var langRE = regexp.MustCompile(`^[a-z]{2,3}$`)

// checkVersions checks texts in other languages: only the fields of limits,
// language codes, one line for names, and no longer than the field.
func checkVersions(v i18n.Versions, path string, limits map[string]int, ps *problems) {
	for _, field := range slices.Sorted(maps.Keys(v)) {
		limit, ok := limits[field]
		if !ok {
			ps.add(path+"."+field, "budget.config.error.version_field")
			continue
		}
		for _, lang := range slices.Sorted(maps.Keys(v[field])) {
			text := v[field][lang]
			if !langRE.MatchString(lang) || len(text) > limit || field != "description" && strings.ContainsAny(text, "\r\n") {
				ps.add(path+"."+field+"."+lang, "budget.config.error.version")
			}
		}
	}
}

// checkSchedule checks that the planned phases start in order, and that
// automatic phases have a plan.
func (c *Config) checkSchedule(ps *problems) {
	var last time.Time
	for _, p := range ScheduledPhases {
		t := *c.Schedule.fields()[p]
		if t == nil {
			continue
		}
		if !last.IsZero() && !t.After(last) {
			ps.add("schedule."+string(p), "budget.config.error.schedule_order")
		}
		last = *t
	}
	if c.AutoPhases && last.IsZero() {
		ps.add("schedule", "budget.config.error.schedule_empty")
	}
}

// check checks a pool's money, rule and ballot; at names a field of the
// pool.
func (p PoolConfig) check(at func(string) string, ps *problems) {
	if a, err := ParseMoney(p.Amount); err != nil || a <= 0 {
		ps.add(at("amount"), "budget.config.error.amount")
	}
	if !slices.Contains(CountingRules(), p.Rule) {
		ps.add(at("rule"), "budget.config.error.rule")
	}
	if p.Rule == string(rules.GreedyThreshold) && p.Threshold == "" {
		ps.add(at("threshold"), "budget.config.error.threshold")
	}
	if p.Threshold != "" {
		if r, ok := new(big.Rat).SetString(p.Threshold); !ok || r.Sign() < 0 {
			ps.add(at("threshold"), "budget.config.error.threshold")
		}
	}
	if p.MinChoices < 0 || p.MaxChoices < 1 || p.MinChoices > p.MaxChoices || p.MaxChoices > 100 {
		ps.add(at("max_choices"), "budget.config.error.choices")
	}
	switch p.Ballot {
	case Approval:
		if len(p.Points) > 0 || p.MaxPoints > 0 {
			ps.add(at("points"), "budget.config.error.points_approval")
		}
	case Ranking:
		if len(p.Points) != p.MaxChoices {
			ps.add(at("points"), "budget.config.error.points_ranking")
		}
		for j, pt := range p.Points {
			if pt < 1 || (j > 0 && pt > p.Points[j-1]) {
				ps.add(at("points"), "budget.config.error.points_order")
				break
			}
		}
		if p.Rule == string(rules.Phragmen) {
			ps.add(at("rule"), "budget.config.error.rule_points")
		}
	case Cumulative:
		if p.MaxPoints < 1 || p.MaxPoints > 1000 || p.MaxPerProject < 0 || p.MaxPerProject > p.MaxPoints {
			ps.add(at("max_points"), "budget.config.error.max_points")
		}
		if p.Rule == string(rules.Phragmen) {
			ps.add(at("rule"), "budget.config.error.rule_points")
		}
	default:
		ps.add(at("ballot"), "budget.config.error.ballot")
	}
}

// edition builds an edition (without ids) from a valid configuration.
func (c *Config) edition() *Edition {
	e := &Edition{
		Slug: c.Slug, Kind: c.Kind, Title: strings.TrimSpace(c.Title), Description: c.Description, School: c.School,
		AutoPhases: c.AutoPhases, Starts: map[Phase]time.Time{}, MinAge: c.MinAge, PoolPolicy: c.PoolPolicy,
		AllowChange: c.AllowChange, PaperPolicy: c.PaperPolicy, DoubleKey: c.DoubleKey, Signatures: c.Signatures,
		Coordinators: c.Coordinators, Versions: c.Versions.Clone(),
	}
	for p, f := range c.Schedule.fields() {
		if *f != nil {
			e.Starts[p] = (**f).UTC()
		}
	}
	e.MaxCost, _ = ParseMoney(c.MaxCost)
	for _, cat := range c.Categories {
		e.Categories = append(e.Categories, strings.TrimSpace(cat))
	}
	for i, pc := range c.Pools {
		amount, _ := ParseMoney(pc.Amount)
		e.Pools = append(e.Pools, Pool{
			Slug: pc.Slug, Name: strings.TrimSpace(pc.Name), District: pc.District, Amount: amount, Ballot: pc.Ballot,
			MinChoices: pc.MinChoices, MaxChoices: pc.MaxChoices, Points: pc.Points, MaxPoints: pc.MaxPoints,
			MaxPerProject: pc.MaxPerProject, Rule: pc.Rule, Threshold: pc.Threshold, Position: i, Versions: pc.Versions.Clone(),
		})
	}
	return e
}

// Config is the edition's configuration, for editing.
func (e *Edition) Config() Config {
	c := Config{
		Slug: e.Slug, Kind: e.Kind, Title: e.Title, Description: e.Description, School: e.School,
		AutoPhases: e.AutoPhases, MinAge: e.MinAge, PoolPolicy: e.PoolPolicy, AllowChange: e.AllowChange,
		PaperPolicy: e.PaperPolicy, DoubleKey: e.DoubleKey, Signatures: e.Signatures, Categories: e.Categories,
		Coordinators: e.Coordinators, Versions: e.Versions.Clone(),
	}
	if e.MaxCost > 0 {
		c.MaxCost = MoneyDecimal(e.MaxCost)
	}
	for p, f := range c.Schedule.fields() {
		if t, ok := e.Starts[p]; ok && !t.IsZero() {
			t := t
			*f = &t
		}
	}
	for _, p := range e.Pools {
		c.Pools = append(c.Pools, PoolConfig{
			Slug: p.Slug, Name: p.Name, District: p.District, Amount: MoneyDecimal(p.Amount), Ballot: p.Ballot,
			MinChoices: p.MinChoices, MaxChoices: p.MaxChoices, Points: p.Points, MaxPoints: p.MaxPoints,
			MaxPerProject: p.MaxPerProject, Rule: p.Rule, Threshold: p.Threshold, Versions: p.Versions.Clone(),
		})
	}
	return c
}

// JSON is the configuration as indented JSON.
func (c Config) JSON() string {
	b, _ := json.MarshalIndent(c, "", "  ")
	return string(b)
}
