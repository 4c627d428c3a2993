//go:build !linux

package generate

// isMountPoint is false where the mount root cannot be asked for: such a
// target is moved aside and replaced, and a rename that fails is reported.
func isMountPoint(string) (bool, error) { return false, nil }
