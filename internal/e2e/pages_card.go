package e2e

// The city card (internal/card). The demo lists every demo resident as a
// holder: the verified demo resident has a basic and a family card.
func init() {
	Pages = append(Pages,
		Page{Path: "/card/my", As: Resident},
	)
}
