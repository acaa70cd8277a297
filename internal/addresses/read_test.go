package addresses

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestReadAcceptsTheRegisterColumns(t *testing.T) {
	in := "\xef\xbb\xbfteryt_ulica;ulica;numer_porzadkowy;kod_pocztowy;status;szerokosc_geograficzna;dlugosc_geograficzna\n" +
		"07684;ul. Karmelicka;30;31-128;istniejacy;50,0660;19,9305\n" +
		"04337;ul. Długa;12;;istniejacy;50.0685;19.9387\n"
	var got []Point
	res, err := Read(strings.NewReader(in), func(p Point) error { got = append(got, p); return nil })
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("Read: %v %v", err, res.Errors)
	}
	want := []Point{{"ul. Karmelicka", "30", "31-128", 50.066, 19.9305}, {"ul. Długa", "12", "", 50.0685, 19.9387}}
	if !slices.Equal(got, want) {
		t.Errorf("points = %+v, want %+v", got, want)
	}
	if !slices.Equal(res.IgnoredColumns, []string{"teryt_ulica", "status"}) {
		t.Errorf("ignored = %v", res.IgnoredColumns)
	}
}

func TestReadNamesLineAndFieldOfEveryProblem(t *testing.T) {
	in := "street,number,postal_code,lat,lon\n" +
		"ul. Karmelicka,30,31-128,50.066,19.93\n" + // line 2: good
		",30,,50.066,19.93\n" + // line 3: no street
		"ul. Długa,twelve,,50.06,19.93\n" + // line 4: bad number
		"ul. Długa,12,31128,50.06,19.93\n" + // line 5: bad postal code
		"ul. Długa,14,,95,19.93\n" + // line 6: latitude out of range
		"ul. Długa,16,,50.06,\n" + // line 7: no longitude
		"Karmelicka,30,,50.06,19.93\n" + // line 8: the same address as line 2
		"ul. Długa,18\n" // line 9: short row
	calls := 0
	res, err := Read(strings.NewReader(in), func(Point) error { calls++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range res.Errors {
		got = append(got, e.String())
	}
	want := []string{
		"line 3: ulica: is empty",
		`line 4: numer_porzadkowy: "twelve" is not a house number (digits, an optional letter, an optional /number)`,
		`line 5: kod_pocztowy: "31128" is not a postal code written NN-NNN`,
		"line 6: szerokosc_geograficzna: 95 is outside -90..90 degrees",
		"line 7: dlugosc_geograficzna: is empty",
		"line 8: numer_porzadkowy: Karmelicka 30 is already on line 2",
		"line 9: row: has 2 fields, the header has 5",
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if calls != 1 {
		t.Errorf("fn called %d times, want once (only before the first problem)", calls)
	}
}

func TestReadRefusesAHeaderWithoutTheRequiredColumns(t *testing.T) {
	res, err := Read(strings.NewReader("ulica,numer\nul. Długa,12\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 2 || res.Errors[0].String() != "line 1: header: missing column szerokosc_geograficzna" {
		t.Errorf("errors = %v", res.Errors)
	}
	res, _ = Read(strings.NewReader("ulica,numer,lat,lon\n"), nil)
	if len(res.Errors) != 1 || res.Errors[0].Field != "file" {
		t.Errorf("empty file: %v", res.Errors)
	}
}

func TestReadStopsOnAnErrorFromFn(t *testing.T) {
	stop := errors.New("stop")
	_, err := Read(strings.NewReader("ulica,numer,lat,lon\nDługa,12,50,19\n"), func(Point) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("err = %v, want stop", err)
	}
}

func TestTheDemoSampleReads(t *testing.T) {
	res, err := Read(strings.NewReader(string(demoKrakow)), nil)
	if err != nil || len(res.Errors) > 0 || res.Rows < 10 {
		t.Fatalf("demo sample: %d rows, %v %v", res.Rows, err, res.Errors)
	}
	if !strings.Contains(string(demoKrakow), "ILLUSTRATIVE") {
		t.Error("the demo sample must say in its rows that it is illustrative")
	}
}
