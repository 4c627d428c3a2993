//go:build !race

package generate

// raceEnabled: the tests run under the race detector, where a run takes
// several times as long.
const raceEnabled = false
