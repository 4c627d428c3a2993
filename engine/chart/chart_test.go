package chart

import (
	"maps"
	"slices"
	"strings"
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

// TestSales: a sale posts to the accounts each industry keeps for sales of
// goods and of services, with their variants, and never to those kept for
// other postings.
func TestSales(t *testing.T) {
	base := func(ch *Chart, accounts []int) map[string]bool {
		names := map[string]bool{}
		for _, a := range accounts {
			names[strings.SplitN(ch.Accounts[a].Name, " - ", 2)[0]] = true
		}
		return names
	}
	for _, c := range []struct {
		industry                  string
		goodsRevenue, goodsCost   string
		servicesRevenue, servCost string
	}{
		{"manufacturing", "Product sales", "Materials consumed", "Service and repair revenue", "Materials consumed"},
		{"retail", "Online sales,Store sales", "Cost of merchandise sold", "Online sales,Store sales", "Cost of merchandise sold"},
		{"telecommunications", "Device sales", "Device cost of sales", "Broadband revenue,Fixed-line revenue,Mobile service revenue", "Interconnect costs,Network leasing"},
		{"professional_services", "Reimbursed expenses billed", "Project materials", "Advisory fees,Consulting fee income,Retainer income", "Subcontractor fees"},
	} {
		ch, err := Build(c.industry, 400, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, goods := range []bool{true, false} {
			rev, cost := ch.Sales(goods)
			wantRev, wantCost := c.goodsRevenue, c.goodsCost
			if !goods {
				wantRev, wantCost = c.servicesRevenue, c.servCost
			}
			for _, k := range []struct {
				accounts []int
				want     string
			}{{rev, wantRev}, {cost, wantCost}} {
				names := base(ch, k.accounts)
				got := slices.Sorted(maps.Keys(names))
				if strings.Join(got, ",") != k.want {
					t.Errorf("%s, goods %v: %v, want %s", c.industry, goods, got, k.want)
				}
				if len(k.accounts) < 2 {
					t.Errorf("%s, goods %v: %d accounts, want the variants too", c.industry, goods, len(k.accounts))
				}
			}
		}
	}
	// A chart too small for an industry's account gets every account of
	// the role.
	ch, err := Build("technology", 60, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, cost := ch.Sales(true); !slices.Equal(cost, ch.ByRole(COGS)) {
		t.Errorf("small chart: goods cost %v, want every cost-of-sales account %v", cost, ch.ByRole(COGS))
	}
}
