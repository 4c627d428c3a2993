package auth

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestKeys(t *testing.T) {
	k, err := New([]string{"first-key-0123456789", " second-key-0123456789 "})
	if err != nil {
		t.Fatal(err)
	}
	if !k.Enabled() || k.Len() != 2 {
		t.Fatalf("enabled %v, len %d", k.Enabled(), k.Len())
	}
	for key, want := range map[string]bool{
		"first-key-0123456789": true, "second-key-0123456789": true,
		"first-key-012345678": false, "": false, "second-key-0123456789 ": false,
	} {
		id, ok := k.Check(key)
		if ok != want || ok && (id != ID(key) || !strings.HasPrefix(id, "key:") || len(id) != 16) {
			t.Errorf("Check(%q) = %q, %v; want ok %v", key, id, ok, want)
		}
		if strings.Contains(id, key) && key != "" {
			t.Errorf("the ID %q shows the key", id)
		}
	}
	if _, err := New([]string{"ok-key-0123456789", ""}); err == nil {
		t.Error("empty key accepted")
	}
	if _, err := New([]string{"short"}); err == nil {
		t.Error("short key accepted")
	}
	if none, _ := New(nil); none.Enabled() {
		t.Error("no keys: enabled")
	}
}

func TestParsing(t *testing.T) {
	if got := SplitList(" a, ,b,"); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("SplitList: %q", got)
	}
	if got := ParseFile([]byte("# comment\n\n key1 \r\nkey2\n")); !slices.Equal(got, []string{"key1", "key2"}) {
		t.Errorf("ParseFile: %q", got)
	}
	for _, tt := range []struct {
		name, value string
		key         string
		presented   bool
	}{
		{"Authorization", "Bearer abc", "abc", true},
		{"Authorization", "bearer  abc ", "abc", true},
		{"Authorization", "Basic abc", "", true},
		{"X-API-Key", "abc", "abc", true},
		{"X-Other", "abc", "", false},
	} {
		r, _ := http.NewRequest("GET", "/", nil)
		r.Header.Set(tt.name, tt.value)
		if key, presented := FromRequest(r); key != tt.key || presented != tt.presented {
			t.Errorf("%s: %s gives %q, %v", tt.name, tt.value, key, presented)
		}
	}
}
