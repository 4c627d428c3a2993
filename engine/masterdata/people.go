package masterdata

import (
	"math/rand/v2"
	"strings"
	"time"

	"datasynth.dev/engine/config"
	"datasynth.dev/engine/money"
	"datasynth.dev/engine/table"
)

// Departments, by index (cost centre i belongs to department i mod 10).
var departments = []string{"Finance", "Procurement", "Sales", "Operations", "Human Resources", "IT", "Logistics", "Marketing", "Legal", "Executive"}

// Department indexes.
const (
	Finance = iota
	Procurement
	Sales
	Operations
	HumanResources
	IT
	Logistics
	Marketing
	Legal
	Executive
)

// EmployeeDepartment is the department (an index into the departments
// list) of employee i: that of the cost centre the employee sits in.
func EmployeeDepartment(s Sizes, i int) int { return CostCenterOf(s, i) % len(departments) }

// CostCenterOf is the cost centre (an index, as CostCenterID takes it) that
// employee i sits in: cost centre i modulo their number, except that the
// chief executive sits in the Executive department's.
func CostCenterOf(s Sizes, i int) int {
	if i == ceo(s) {
		return Executive
	}
	return i % s.CostCenters
}

// DepartmentName is the name of department d.
func DepartmentName(d int) string { return departments[d] }

// subUnits name the second-level cost centres of each department.
var subUnits = [][]string{
	{"General Ledger", "Accounts Payable", "Accounts Receivable", "Treasury", "Tax", "Controlling", "Payroll Accounting", "Internal Audit"},
	{"Strategic Sourcing", "Purchasing", "Supplier Management", "Indirect Procurement"},
	{"Field Sales", "Inside Sales", "Key Accounts", "Sales Operations", "Customer Service"},
	{"Production", "Maintenance", "Quality", "Facilities", "Operations Planning"},
	{"Recruiting", "Compensation and Benefits", "Learning", "Employee Relations"},
	{"Infrastructure", "Applications", "Service Desk", "Information Security", "Data and Analytics"},
	{"Warehouse", "Transport", "Shipping", "Inventory Control"},
	{"Brand", "Digital Marketing", "Events", "Product Marketing"},
	{"Contracts", "Compliance", "Corporate Legal"},
	{"Office of the CEO", "Strategy", "Investor Relations"},
}

// categories are DataSynth's cost-centre categories of each department.
var categories = []string{"administration", "administration", "sales", "production", "administration", "administration", "production", "sales", "administration", "corporate"}

// Job levels, with DataSynth's names, from staff to executive.
const (
	levelStaff = iota
	levelSenior
	levelLead
	levelSupervisor
	levelManager
	levelDirector
	levelVP
	levelExecutive
)

var levelNames = []string{"staff", "senior", "lead", "supervisor", "manager", "director", "vice_president", "executive"}

// approvalUSD is the approval limit of each level, in US dollars:
// DataSynth's limits (staff 1,000 to executive 10,000,000), with lead and
// supervisor between senior and manager.
var approvalUSD = []uint64{1_000, 5_000, 10_000, 15_000, 25_000, 100_000, 500_000, 10_000_000}

// salaryUSD is the annual base salary range of each level, in US dollars.
var salaryUSD = [][2]uint64{{42_000, 62_000}, {60_000, 85_000}, {75_000, 100_000}, {70_000, 95_000},
	{95_000, 140_000}, {140_000, 210_000}, {200_000, 300_000}, {280_000, 550_000}}

// titles are the job titles of each department by level (staff, senior,
// lead, supervisor, manager, director, vice president, executive): an AP
// clerk works in Finance, a buyer in Procurement.
var titles = [][8][]string{
	Finance: {{"AP Clerk", "AR Clerk", "Junior Accountant", "Payroll Accountant"}, {"Senior Accountant", "Financial Analyst", "Tax Accountant"},
		{"Lead Accountant", "Senior Financial Analyst"}, {"Accounting Supervisor"}, {"Controller", "Finance Manager", "Treasury Manager"},
		{"Finance Director"}, {"Vice President Finance"}, {"Chief Financial Officer"}},
	Procurement: {{"Purchasing Assistant", "Junior Buyer"}, {"Buyer", "Procurement Analyst"}, {"Senior Buyer", "Category Lead"},
		{"Purchasing Supervisor"}, {"Procurement Manager", "Category Manager"}, {"Procurement Director"}, {"Vice President Procurement"},
		{"Chief Procurement Officer"}},
	Sales: {{"Sales Representative", "Sales Assistant", "Customer Service Representative"}, {"Account Executive", "Senior Sales Representative"},
		{"Key Account Lead"}, {"Sales Supervisor"}, {"Sales Manager", "Key Account Manager"}, {"Sales Director"}, {"Vice President Sales"},
		{"Chief Commercial Officer"}},
	Operations: {{"Operator", "Technician", "Planner"}, {"Senior Technician", "Production Planner"}, {"Shift Lead"},
		{"Operations Supervisor", "Shift Supervisor"}, {"Operations Manager", "Plant Manager"}, {"Operations Director"},
		{"Vice President Operations"}, {"Chief Operating Officer"}},
	HumanResources: {{"HR Assistant", "Recruiting Coordinator"}, {"HR Specialist", "Recruiter", "Payroll Specialist"}, {"HR Business Partner"},
		{"HR Supervisor"}, {"HR Manager"}, {"HR Director"}, {"Vice President People"}, {"Chief People Officer"}},
	IT: {{"Service Desk Analyst", "Junior Developer"}, {"Software Engineer", "Systems Administrator", "Network Engineer"},
		{"Lead Engineer", "Solution Architect"}, {"IT Supervisor"}, {"IT Manager"}, {"IT Director"}, {"Vice President Technology"},
		{"Chief Information Officer"}},
	Logistics: {{"Warehouse Associate", "Logistics Coordinator", "Dispatcher"}, {"Senior Logistics Coordinator", "Inventory Analyst"},
		{"Warehouse Lead"}, {"Warehouse Supervisor"}, {"Logistics Manager", "Warehouse Manager"}, {"Logistics Director"},
		{"Vice President Supply Chain"}, {"Chief Supply Chain Officer"}},
	Marketing: {{"Marketing Coordinator", "Marketing Assistant"}, {"Marketing Specialist", "Content Strategist"}, {"Campaign Lead"},
		{"Marketing Supervisor"}, {"Marketing Manager", "Brand Manager"}, {"Marketing Director"}, {"Vice President Marketing"},
		{"Chief Marketing Officer"}},
	Legal: {{"Paralegal", "Legal Assistant"}, {"Legal Counsel", "Compliance Analyst"}, {"Senior Legal Counsel"}, {"Compliance Supervisor"},
		{"Legal Manager", "Compliance Manager"}, {"Legal Director"}, {"Vice President Legal"}, {"General Counsel"}},
	Executive: {{"Executive Assistant"}, {"Strategy Analyst", "Internal Auditor"}, {"Chief of Staff"}, {"Office Manager"},
		{"Strategy Manager"}, {"Strategy Director"}, {"Vice President Strategy"}, {"Chief Executive Officer"}},
}

// roles are DataSynth's system roles and transaction codes by department.
var roles = []struct {
	staff    string // system role of individual contributors
	tcodes   []string
	activity string
}{
	Finance:        {"journal_poster", []string{"FB50", "FBL3N"}, "create"},
	Procurement:    {"buyer", []string{"ME21N", "ME23N"}, "create"},
	Sales:          {"creator", []string{"VA01", "VA03"}, "create"},
	Operations:     {"creator", []string{"CO01", "MIGO"}, "execute"},
	HumanResources: {"viewer", []string{"PA30", "PA20"}, "change"},
	IT:             {"admin", []string{"SU01", "SM37"}, "change"},
	Logistics:      {"creator", []string{"MIGO", "VL02N"}, "execute"},
	Marketing:      {"viewer", []string{"VK13"}, "display"},
	Legal:          {"viewer", []string{"FBL1N"}, "display"},
	Executive:      {"executive", []string{"S_ALR_87012284"}, "display"},
}

// Employee is one row of master_data/employees, with what payroll needs.
type Employee struct {
	Index      int
	CostCenter int // index, as CostCenterID takes it
	Department int
	Level      int // 0 staff .. 7 executive
	Title      string
	First      string
	// Middle are the initials that tell the employee apart from another
	// of the same first and last name ("R.", "A. B."), or "".
	Middle  string
	Last    string
	Hired   time.Time
	OnLeave bool
	// BaseSalary is the annual base salary in minor units of the company
	// currency; ApprovalLimit likewise.
	BaseSalary, ApprovalLimit int64
}

// The hierarchy. Every company has a chief executive, whatever its
// number of employees and cost centres (every chart has the ten
// departments): the Executive department's first employee, employee 9, or
// in a company of fewer than ten employees the last. Besides, one employee
// in four, from the first, heads the cost centre of their own number.

// ceo is the employee index of the chief executive, -1 only in a company
// without employees.
func ceo(s Sizes) int { return min(Executive, s.Employees-1) }

// heads is the number of employees, from the first, who head the cost
// centre of their own number (employee i heads cost centre i): one in four
// employees, at most one per cost centre, and never the chief executive of
// a company of fewer than ten.
func heads(s Sizes) int { return min(s.CostCenters, max(1, s.Employees/4), s.Employees-1) }

// head reports whether employee i heads a cost centre: cost centre i, or
// the Executive department's as chief executive.
func head(s Sizes, i int) bool { return i < heads(s) || i == ceo(s) }

// headOf is the employee heading cost centre cc, or -1.
func headOf(s Sizes, cc int) int {
	switch {
	case cc < heads(s):
		return cc
	case cc == Executive:
		return ceo(s)
	}
	return -1
}

// managerOf is the employee index of i's manager, -1 for the chief
// executive: staff report to their cost centre's head, else their
// department's, else the chief executive; heads of second-level cost
// centres to their department's director, else the chief executive;
// directors to the chief executive.
func managerOf(s Sizes, i int) int {
	top := ceo(s)
	if i == top {
		return -1
	}
	cc := CostCenterOf(s, i)
	if !head(s, i) {
		if m := headOf(s, cc); m >= 0 {
			return m
		}
	}
	if cc >= len(departments) {
		if m := headOf(s, cc%len(departments)); m >= 0 {
			return m
		}
	}
	return top
}

// responsibleFor is the employee heading cost centre cc: its own head,
// else its department's, else the chief executive.
func responsibleFor(s Sizes, cc int) int {
	if m := headOf(s, cc); m >= 0 {
		return m
	}
	if m := headOf(s, cc%len(departments)); m >= 0 {
		return m
	}
	return ceo(s)
}

// level draws employee i's job level. Heads of a department's first cost
// centre are directors (the Executive department's, the chief executive),
// heads of the other cost centres managers; everyone else staff to
// supervisor.
func level(s Sizes, i int, r *rand.Rand) int {
	if head(s, i) {
		switch {
		case i == ceo(s):
			return levelExecutive
		case i < len(departments):
			return levelDirector
		}
		return levelManager
	}
	switch x := r.IntN(100); {
	case x < 55:
		return levelStaff
	case x < 83:
		return levelSenior
	case x < 93:
		return levelLead
	}
	return levelSupervisor
}

// drawEmployee generates employee i of company c, named apart from the
// employees before (named, started at employee 0).
func drawEmployee(c config.Company, s Sizes, i int, r *rand.Rand, sc *usdScaler, start time.Time, named *names) Employee {
	cc := CostCenterOf(s, i)
	e := Employee{Index: i, CostCenter: cc, Department: cc % len(departments)}
	e.Level = level(s, i, r)
	e.Title = pick(r, titles[e.Department][e.Level])
	home := countryOf(c.Country)
	first, last := home.personName(r)
	e.First, e.Middle, e.Last = named.person(first, last, home)
	// Seniors have been with the company longer.
	e.Hired = start.AddDate(0, 0, -30-r.IntN(365*(2+2*e.Level)))
	e.OnLeave = r.IntN(100) < 2
	sal := salaryUSD[e.Level]
	units := sal[0] + r.Uint64N(sal[1]-sal[0]+1)
	// Salaries are agreed in round figures: whole hundreds of the currency.
	digits := c.Digits()
	hundred := 100 * money.Pow10(digits)
	e.BaseSalary = (sc.minor(units*100) + hundred/2) / hundred * hundred
	e.ApprovalLimit = roundTo(sc.minor(approvalUSD[e.Level]*100), digits)
	return e
}

// roundTo rounds v (minor units) to two significant digits of whole units:
// 920.00 stays, 147,850 becomes 150,000.
func roundTo(v int64, digits int) int64 {
	unit := money.Pow10(digits)
	step := unit
	for v/step >= 100 {
		step *= 10
	}
	return (v + step/2) / step * step
}

// Employees returns company c's employees in the order of
// master_data/employees, drawn from the same stream.
func Employees(seed uint64, env Env, c config.Company, s Sizes) []Employee {
	r := Stream(seed, "employees", c.Code)
	sc := newUSDScaler(c.Currency)
	out := make([]Employee, s.Employees)
	var named names
	named.start(seed, "employees", c.Code)
	for i := range out {
		out[i] = drawEmployee(c, s, i, r, sc, env.Start, &named)
	}
	return out
}

// ascii folds a name into the letters of an e-mail address.
var ascii = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue",
	"é", "e", "è", "e", "ê", "e", "á", "a", "à", "a", "â", "a", "ã", "a", "í", "i", "ó", "o", "ô", "o", "õ", "o",
	"ú", "u", "ç", "c", "ñ", "n", "É", "E", "Č", "C", " ", "", "'", "",
	"å", "aa", "æ", "ae", "ø", "oe", "Å", "Aa", "Æ", "Ae", "Ø", "Oe",
	"ą", "a", "ć", "c", "ę", "e", "ł", "l", "ń", "n", "ś", "s", "ź", "z", "ż", "z", "Ł", "L", "Ś", "S", "Ż", "Z",
	"ğ", "g", "ı", "i", "ş", "s", "Ç", "C", "İ", "I", "Ş", "S")

// domain is the e-mail domain of a company: its name in lower case,
// under the reserved .example top-level domain.
func domain(c config.Company) string {
	name := strings.ToLower(ascii.Replace(c.Name))
	var b strings.Builder
	for _, ch := range name {
		if ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' {
			b.WriteRune(ch)
		}
	}
	if b.Len() == 0 {
		b.WriteString("company" + strings.ToLower(c.Code))
	}
	return b.String() + ".example"
}

// site is the city a company's offices are in.
func site(c config.Company) string {
	home := countryOf(c.Country)
	h := 0
	for _, ch := range c.Code {
		h = h*31 + int(ch)
	}
	if h < 0 {
		h = -h
	}
	return home.cities[h%len(home.cities)].name
}

func jsonStrings(xs ...string) string {
	b := []byte{'['}
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = table.AppendJSONString(b, x)
	}
	return string(append(b, ']'))
}

func costCenterTable(env Env) Table {
	cols := text("id", "name", "parent_id", "company_code", "responsible_person", "category", "level", "is_active",
		"department", "profit_center", "valid_from")
	kinds(cols, table.Int, "level")
	kinds(cols, table.Bool, "is_active")
	kinds(cols, table.Date, "valid_from")
	optional(cols, "parent_id", "responsible_person")
	return Table{
		Name:    "cost_centers",
		Columns: cols,
		Rows:    func(s Sizes) int { return s.CostCenters },
		Row: func(c config.Company, s Sizes, i int, r *rand.Rand, row []table.Value) []table.Value {
			d := i % len(departments)
			name, parent, lvl := departments[d], table.Null(), int64(1)
			if i >= len(departments) {
				units := subUnits[d]
				n := i/len(departments) - 1
				name = departments[d] + " - " + units[n%len(units)]
				if n >= len(units) {
					name += " " + pad(n/len(units)+1, 1)
				}
				parent, lvl = table.Str(CostCenterID(c.Code, d)), 2
			}
			resp := table.Null()
			if e := responsibleFor(s, i); e >= 0 {
				resp = table.Str(EmployeeID(c.Code, e))
			}
			return append(row, table.Str(CostCenterID(c.Code, i)), table.Str(name), parent, table.Str(c.Code), resp,
				table.Str(categories[d]), table.I(lvl), table.B(true), table.Str(departments[d]),
				table.Str(ProfitCenterID(c.Code, s.ProfitCenterOf(i))),
				table.D(table.Days(env.Start.AddDate(0, 0, -1-r.IntN(3650)))))
		},
	}
}

// employeeTable is master_data/employees with DataSynth's Employee fields
// in its order, plus the currency of the amounts.
func employeeTable(env Env) Table {
	cols := text("employee_id", "user_id", "display_name", "first_name", "last_name", "email", "persona", "job_level",
		"job_title", "department_id", "cost_center", "manager_id", "direct_reports", "status", "company_code",
		"working_hours", "authorized_company_codes", "authorized_cost_centers", "approval_limit", "can_approve_pr",
		"can_approve_po", "can_approve_invoice", "can_approve_je", "can_release_payment", "system_roles",
		"transaction_codes", "hire_date", "termination_date", "location", "is_shared_services", "phone", "base_salary",
		"currency")
	kinds(cols, table.JSON, "direct_reports", "working_hours", "authorized_company_codes", "authorized_cost_centers",
		"system_roles", "transaction_codes")
	kinds(cols, table.Amount, "approval_limit", "base_salary")
	kinds(cols, table.Bool, "can_approve_pr", "can_approve_po", "can_approve_invoice", "can_approve_je",
		"can_release_payment", "is_shared_services")
	kinds(cols, table.Date, "hire_date", "termination_date")
	optional(cols, "manager_id", "termination_date", "location", "phone", "department_id", "cost_center")
	var sc *usdScaler
	var scCode string
	var named names
	return Table{
		Name:    "employees",
		Columns: cols,
		Rows:    func(s Sizes) int { return s.Employees },
		Row: func(c config.Company, s Sizes, i int, r *rand.Rand, row []table.Value) []table.Value {
			if sc == nil || scCode != c.Currency {
				sc, scCode = newUSDScaler(c.Currency), c.Currency
			}
			if i == 0 {
				named.start(env.Seed, "employees", c.Code)
			}
			e := drawEmployee(c, s, i, r, sc, env.Start, &named)
			return appendEmployee(row, c, s, e)
		},
	}
}

func appendEmployee(row []table.Value, c config.Company, s Sizes, e Employee) []table.Value {
	i, d, lvl := e.Index, e.Department, e.Level
	manager := managerOf(s, i)
	var reports []string
	if head(s, i) {
		for k := range s.Employees {
			if managerOf(s, k) == i {
				reports = append(reports, EmployeeID(c.Code, k))
			}
		}
	}
	persona := "junior_accountant"
	switch {
	case lvl >= levelDirector:
		persona = "executive"
	case d == Finance && lvl >= levelManager:
		persona = "controller"
	case lvl >= levelSupervisor:
		persona = "manager"
	case lvl >= levelSenior:
		persona = "senior_accountant"
	}
	rl := roles[d]
	sysRoles := []string{rl.staff}
	if lvl >= levelSupervisor {
		sysRoles = append(sysRoles, "approver")
	}
	if d == Finance && lvl >= levelManager {
		sysRoles = append(sysRoles, "period_close", "payment_releaser")
	}
	tc := []byte{'['}
	for k, code := range rl.tcodes {
		if k > 0 {
			tc = append(tc, ',')
		}
		tc = append(tc, `{"tcode":`...)
		tc = table.AppendJSONString(tc, code)
		activity := rl.activity
		if k > 0 {
			activity = "display"
		}
		tc = append(tc, `,"activity":"`+activity+`","active":true}`...)
	}
	tc = append(tc, ']')
	hours := `{"start_hour":8,"end_hour":17,"peak_hours":[9,10,11,14,15],"weekend_probability":0.05,"after_hours_probability":0.1}`
	if d == Operations || d == Logistics {
		hours = `{"start_hour":6,"end_hour":15,"peak_hours":[7,8,9,12,13],"weekend_probability":0.15,"after_hours_probability":0.05}`
	}
	status := "active"
	if e.OnLeave {
		status = "on_leave"
	}
	mgr := table.Null()
	if manager >= 0 {
		mgr = table.Str(EmployeeID(c.Code, manager))
	}
	email := emailName(e.First, e.Middle, e.Last) + "@" + domain(c)
	digits := c.Digits()
	return append(row,
		table.Str(EmployeeID(c.Code, i)), table.Str(UserID(c.Code, i)), table.Str(displayName(e.First, e.Middle, e.Last)),
		table.Str(e.First), table.Str(e.Last), table.Str(email), table.Str(persona), table.Str(levelNames[lvl]),
		table.Str(e.Title), table.Str(departments[d]), table.Str(CostCenterID(c.Code, e.CostCenter)), mgr,
		table.Str(jsonStrings(reports...)), table.Str(status), table.Str(c.Code), table.Str(hours),
		table.Str(jsonStrings(c.Code)), table.Str(jsonStrings(CostCenterID(c.Code, e.CostCenter))),
		table.A(e.ApprovalLimit, digits),
		table.B(lvl >= levelSupervisor), table.B(d == Procurement && lvl >= levelSenior || lvl >= levelDirector),
		table.B(d == Finance && lvl >= levelSenior || lvl >= levelManager), table.B(d == Finance && lvl >= levelSenior),
		table.B(d == Finance && lvl >= levelManager),
		table.Str(jsonStrings(sysRoles...)), table.Str(string(tc)),
		table.D(table.Days(e.Hired)), table.Null(), table.Str(site(c)), table.B(false), table.Null(),
		table.A(e.BaseSalary, digits), table.Str(c.Currency))
}

// MonthlyPay is the employee's base pay for month m (1..12) of a year:
// BaseSalary in twelve parts that add up to it exactly, the odd minor
// units paid in the first months.
func (e Employee) MonthlyPay(m int) int64 {
	pay := e.BaseSalary / 12
	if int64(m) <= e.BaseSalary%12 {
		pay++
	}
	return pay
}
