package chart

import (
	"testing"
)

func TestBuildSizesRolesAndHierarchy(t *testing.T) {
	for name := range industries {
		for _, size := range []int{100, 400, 2500} {
			c, err := Build(name, size, true)
			if err != nil {
				t.Fatalf("%s/%d: %v", name, size, err)
			}
			if len(c.Accounts) != size {
				t.Fatalf("%s/%d: %d accounts", name, size, len(c.Accounts))
			}
			numbers := map[string]Account{}
			names := map[string]bool{}
			for _, a := range c.Accounts {
				if _, dup := numbers[a.Number]; dup {
					t.Fatalf("%s/%d: duplicate account number %s", name, size, a.Number)
				}
				if a.Postable && names[a.Name] {
					t.Fatalf("%s/%d: duplicate account name %q", name, size, a.Name)
				}
				names[a.Name] = true
				numbers[a.Number] = a
				if a.Level > 1 {
					p, ok := numbers[a.Parent]
					if !ok || p.Level != a.Level-1 {
						t.Fatalf("%s/%d: account %s has parent %q that is not one level up", name, size, a.Number, a.Parent)
					}
				}
			}
			for _, g := range groups(industries[name]) {
				if len(c.ByRole(g.role)) == 0 {
					t.Fatalf("%s/%d: role %s has no postable account", name, size, g.role)
				}
			}
		}
	}
}

func TestBuildRejects(t *testing.T) {
	if _, err := Build("mining", 100, true); err == nil {
		t.Fatal("unknown industry accepted")
	}
	if _, err := Build("retail", 20, true); err == nil {
		t.Fatal("size smaller than the groups accepted")
	}
}
