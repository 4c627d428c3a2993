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
// other postings, in every chart size a config can ask for (small charts
// hold the first three names of each group, so the sale accounts come
// first).
func TestSales(t *testing.T) {
	base := func(ch *Chart, accounts []int) string {
		names := map[string]bool{}
		for _, a := range accounts {
			names[strings.SplitN(ch.Accounts[a].Name, " - ", 2)[0]] = true
		}
		return strings.Join(slices.Sorted(maps.Keys(names)), ",")
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
		{"technology", "License revenue", "Hardware cost of sales", "Professional services revenue,Subscription revenue,Support and maintenance revenue", "Customer support costs,Hosting and infrastructure"},
		{"transportation", "Freight revenue", "Fuel consumed", "Freight revenue,Passenger revenue,Warehousing revenue", "Subcontracted carriers"},
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
			if got := base(ch, rev); got != wantRev {
				t.Errorf("%s, goods %v: revenue %s, want %s", c.industry, goods, got, wantRev)
			}
			if got := base(ch, cost); got != wantCost {
				t.Errorf("%s, goods %v: cost %s, want %s", c.industry, goods, got, wantCost)
			}
			if len(rev) < 2 || len(cost) < 2 {
				t.Errorf("%s, goods %v: %d and %d accounts, want the variants too", c.industry, goods, len(rev), len(cost))
			}
		}
	}
	// Every industry and size: at least one of the accounts for each kind
	// of sale is in the chart, so none falls back to the whole group.
	for name, ind := range industries {
		for _, size := range []int{100, 400, 2500} {
			ch, err := Build(name, size, true)
			if err != nil {
				t.Fatal(err)
			}
			for _, goods := range []bool{true, false} {
				rev, cost := ch.Sales(goods)
				want := [][]int{ind.sold.servicesRevenue, ind.sold.servicesCost}
				if goods {
					want = [][]int{ind.sold.goodsRevenue, ind.sold.goodsCost}
				}
				for k, accounts := range [][]int{rev, cost} {
					for _, a := range accounts {
						if !slices.Contains(want[k], ch.Accounts[a].leaf) {
							t.Errorf("%s/%d, goods %v: %s is no account for sales", name, size, goods, ch.Accounts[a].Name)
						}
					}
				}
			}
		}
	}
}
