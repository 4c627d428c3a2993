# Shared by the benchmark scripts: source it, do not run it.

# bench_config FILE ENTRIES writes the generation config every benchmark
# uses: one manufacturing company with ENTRIES journal entries over a year,
# medium chart, fraud on.
bench_config() {
  cat >"$1" <<YAML
global:
  seed: 1
  industry: manufacturing
  start_date: "2024-01-01"
  period_months: 12
companies:
  - {code: "1000", name: Bench, currency: USD, country: US, annual_transaction_volume: {custom: $2}}
chart_of_accounts: {complexity: medium}
output: {formats: [csv]}
fraud: {enabled: true, fraud_rate: 0.005}
YAML
}
