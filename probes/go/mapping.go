package main

import (
	"os"
	"strings"
)

// How a libpq keyword reaches the driver.
const (
	kindSetting = "setting" // passed under the native name
	kindFile    = "file"    // passed under the native name when the file exists; libpq treats a missing file as not given
	kindNone    = "none"    // no equivalent: unsupported unless the value is one the driver's fixed behaviour satisfies
	kindSpecial = "special" // handled by the driver's code (hostaddr, protocol versions, 'system' roots)
	kindIgnored = "harness" // bookkeeping the harness always passes; no effect on the outcome
	kindRoot    = "root"    // sslrootcert: passed as given; libpq's "system" means the system roots
)

// mappingRow is one line of a driver's static mapping table: what the driver does with one
// libpq keyword. Satisfied lists, for a keyword without equivalent, the values the driver's
// fixed behaviour already meets (pgx never does GSS encryption, so gssencmode=disable is met).
type mappingRow struct {
	Keyword   string   `json:"keyword"`
	Native    string   `json:"native"`
	Kind      string   `json:"kind"`
	Rule      string   `json:"rule"`
	Satisfied []string `json:"satisfied,omitempty"`
}

// translation is what the probe hands the driver for one request.
type translation struct {
	settings    [][2]string // native key/value pairs in request order
	passed      map[string]interface{}
	unsupported []string
	notes       []string
	params      map[string]string // the request's libpq keywords
	hostaddr    string
	minTLS      string
	maxTLS      string
	systemRoots bool
	ports       *portLog
}

func (t *translation) section() *driverSection {
	passed := map[string]interface{}{}
	for k, v := range t.passed {
		passed[k] = v
	}
	return &driverSection{Passed: passed, Unsupported: append([]string{}, t.unsupported...),
		Notes: append([]string{}, t.notes...)}
}

func (t *translation) set(key, value string) {
	t.settings = append(t.settings, [2]string{key, value})
	if key == "password" || key == "sslpassword" {
		t.passed[key] = "***"
	} else {
		t.passed[key] = value
	}
}

func (t *translation) unsupport(keyword, why string) {
	for _, k := range t.unsupported {
		if k == keyword {
			t.notes = append(t.notes, keyword+": "+why)
			return
		}
	}
	t.unsupported = append(t.unsupported, keyword)
	t.notes = append(t.notes, keyword+": "+why)
}

func fileExists(path string) bool {
	if path == "" {
		return false
	}
	_, err := os.Stat(path)
	return err == nil
}

// translate applies a driver's table to a request. Keywords the table does not list are
// reported as unsupported, never dropped silently.
func translate(table []mappingRow, req *request) *translation {
	t := &translation{passed: map[string]interface{}{}, params: map[string]string{}, ports: &portLog{}}
	rows := map[string]mappingRow{}
	for _, row := range table {
		rows[row.Keyword] = row
	}
	for _, kv := range req.Parameters {
		keyword, value := kv[0], kv[1]
		t.params[keyword] = value
		row, known := rows[keyword]
		if !known {
			t.unsupport(keyword, "not in this driver's mapping table (value "+value+" not applied)")
			continue
		}
		switch row.Kind {
		case kindSetting:
			t.set(row.Native, value)
		case kindRoot:
			// Passed as given (what a missing root file means is the driver's behaviour under
			// test); only libpq's 'system' becomes Go's own system roots (no file configured).
			if value == "system" {
				t.notes = append(t.notes, "sslrootcert=system: not passed, so Go verifies against the system roots")
			} else {
				t.set(row.Native, value)
			}
		case kindFile:
			if fileExists(value) {
				t.set(row.Native, value)
			} else {
				t.notes = append(t.notes, keyword+": "+value+" does not exist; not passed (libpq treats a missing file as not given)")
			}
		case kindNone:
			if strings.HasPrefix(keyword, "sslcrl") || keyword == "passfile" {
				if fileExists(value) {
					t.unsupport(keyword, row.Rule+" (file "+value+" not used)")
				}
				continue
			}
			met := false
			for _, s := range row.Satisfied {
				if s == value {
					met = true
				}
			}
			if !met {
				t.unsupport(keyword, row.Rule+" (value "+value+" not applied)")
			}
		case kindSpecial, kindIgnored:
			// read from t.params by the driver's code
		}
	}
	return t
}
