package masterdata

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"datasynth.dev/engine/rng"
)

// draws is how many names are drawn for a business, public body or
// employee before a name still taken is told apart by a number or
// initials.
const draws = 4

// names are the names given so far in one table of one company, so that no
// two businesses, public bodies or employees share one. A row draws its
// name from the row's stream as it always has; a name already taken is
// drawn again from a stream of its own (side), so that telling names apart
// moves no other attribute of any row. After draws names, one still taken
// gets a number (businesses) or middle initials (people), the lowest free,
// so that a name costs the same however many rows the table has.
type names struct {
	used map[string]bool
	// marked counts the marked forms handed out per name.
	marked map[string]int
	side   *rand.Rand
}

// start forgets the names of the previous company and seeds the stream of
// redraws of table for company in a run of seed.
func (n *names) start(seed uint64, table, company string) {
	n.used, n.marked = map[string]bool{}, map[string]int{}
	n.side = rng.New(seed, "master", table, company, "names")
}

// taken reports whether name is given.
func (n *names) taken(name string) bool { return n.used[name] }

// claim gives name and reports whether it was free.
func (n *names) claim(name string) bool {
	if n.used[name] {
		return false
	}
	n.used[name] = true
	return true
}

// mark returns the number of the next marked form of name, from 0.
func (n *names) mark(name string) int {
	k := n.marked[name]
	n.marked[name] = k + 1
	return k
}

// organisation gives a business or foundation the name drawn for it, a
// name and its legal form (which may be empty), or while that is taken one
// that draw gives; after draws names, the last with the lowest free number
// from 2 before the legal form: "Apex Supply 2 Inc.".
func (n *names) organisation(name, legal string, draw func(*rand.Rand) (name, legal string)) string {
	for k := 1; ; k++ {
		if full := joinName(name, legal); n.claim(full) {
			return full
		}
		if k == draws {
			break
		}
		name, legal = draw(n.side)
	}
	base := joinName(name, legal)
	for {
		if full := joinName(name+" "+strconv.Itoa(n.mark(base)+2), legal); n.claim(full) {
			return full
		}
	}
}

func joinName(name, legal string) string {
	if legal == "" {
		return name
	}
	return name + " " + legal
}

// initials are the letters middle initials are drawn from.
const initials = "ABCDEFGHJKLMNPRSTW"

// person gives an employee of country c the name drawn for them, or while
// that is taken, with the e-mail address made of it (emailName), another;
// after draws names, the last with a middle initial, drawn up to draws
// times, else with the lowest free initials in the order A., B., ... W.,
// A. A., A. B., ...
func (n *names) person(first, last string, c *country) (string, string, string) {
	for k := 1; !n.claim(emailName(first, "", last)); k++ {
		if k == draws {
			return first, n.initials(first, last), last
		}
		first, last = c.personName(n.side)
	}
	return first, "", last
}

// initials gives first and last name middle initials that make them free.
func (n *names) initials(first, last string) string {
	for range draws {
		if middle := string(initials[n.side.IntN(len(initials))]) + "."; n.claim(emailName(first, middle, last)) {
			return middle
		}
	}
	base := first + " " + last
	for {
		// The k-th initials count k in bijective base len(initials): 0 is
		// A., 17 W., 18 A. A.
		var b []string
		for k := n.mark(base) + 1; k > 0; k = (k - 1) / len(initials) {
			b = append(b, string(initials[(k-1)%len(initials)])+".")
		}
		for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
			b[i], b[j] = b[j], b[i]
		}
		if middle := strings.Join(b, " "); n.claim(emailName(first, middle, last)) {
			return middle
		}
	}
}

// emailName is the part before the @ of the e-mail address of a person:
// first.last, or first.r.last with a middle initial R., in ASCII letters.
func emailName(first, middle, last string) string {
	var b strings.Builder
	b.WriteString(ascii.Replace(first))
	for _, ch := range middle {
		if ch != '.' && ch != ' ' {
			b.WriteByte('.')
			b.WriteRune(ch)
		}
	}
	b.WriteByte('.')
	b.WriteString(ascii.Replace(last))
	return strings.ToLower(b.String())
}

// displayName is a person's name as written: first, middle initials, last.
func displayName(first, middle, last string) string {
	if middle == "" {
		return first + " " + last
	}
	return first + " " + middle + " " + last
}
