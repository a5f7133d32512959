package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"reflect"
	"sync"
)

// request is one protocol v1 request line.
type request struct {
	ID             string            `json:"id"`
	Parameters     [][2]string       `json:"parameters"`
	Environment    map[string]string `json:"environment"`
	TimeoutSeconds float64           `json:"timeoutSeconds"`
}

func (r *request) UnmarshalJSON(data []byte) error {
	var raw struct {
		ID             json.RawMessage   `json:"id"`
		Parameters     [][]string        `json:"parameters"`
		Environment    map[string]string `json:"environment"`
		TimeoutSeconds float64           `json:"timeoutSeconds"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	var id string
	if json.Unmarshal(raw.ID, &id) != nil {
		id = string(raw.ID)
	}
	r.ID, r.Environment, r.TimeoutSeconds = id, raw.Environment, raw.TimeoutSeconds
	r.Parameters = [][2]string{}
	for _, kv := range raw.Parameters {
		if len(kv) != 2 {
			return fmt.Errorf("a parameter is not a [keyword, value] pair: %v", kv)
		}
		r.Parameters = append(r.Parameters, [2]string{kv[0], kv[1]})
	}
	return nil
}

type serverError struct {
	Severity string `json:"severity,omitempty"`
	SQLState string `json:"sqlstate,omitempty"`
	Message  string `json:"message"`
}

// report carries the ConnectionReport fields of the protocol.
type report struct {
	Status       string            `json:"status"`
	ErrorMessage *string           `json:"errorMessage,omitempty"`
	TimedOut     bool              `json:"timedOut"`
	LocalPorts   []int             `json:"localPorts"`
	ServerErrors []serverError     `json:"serverErrors"`
	UsedPassword bool              `json:"usedPassword"`
	ServerView   map[string]string `json:"serverView,omitempty"`
	Sslinfo      map[string]string `json:"sslinfo,omitempty"`
	QueryError   *string           `json:"queryError,omitempty"`
	TLS          *tlsClaim         `json:"tls"`
}

type tlsClaim struct {
	Encrypted bool    `json:"encrypted"`
	Protocol  *string `json:"protocol"`
	Cipher    *string `json:"cipher"`
	KeyBits   *int    `json:"keyBits"`
	Library   *string `json:"library"`
}

// driverSection is the response's "driver" object: what was handed to the driver.
type driverSection struct {
	ErrorClass  string                 `json:"errorClass,omitempty"`
	SQLState    *string                `json:"sqlstate"`
	Passed      map[string]interface{} `json:"passed"`
	Unsupported []string               `json:"unsupported"`
	Notes       []string               `json:"notes"`
}

func rejected(message string, timedOut bool) *report {
	return &report{Status: "rejected", ErrorMessage: &message, TimedOut: timedOut, LocalPorts: []int{},
		ServerErrors: []serverError{}}
}

func accepted() *report {
	return &report{Status: "accepted", LocalPorts: []int{}, ServerErrors: []serverError{}}
}

// errorClass names the innermost typed error, e.g. "*pgconn.PgError" or "*net.OpError".
func errorClass(err error) string {
	classes := []string{}
	for e := err; e != nil; e = errors.Unwrap(e) {
		classes = append(classes, reflect.TypeOf(e).String())
	}
	if len(classes) == 0 {
		return ""
	}
	return classes[len(classes)-1]
}

// portLog records the local port of every socket a driver opens (allow/prefer open two).
type portLog struct {
	mu    sync.Mutex
	ports []int
}

func (p *portLog) add(conn net.Conn) {
	if addr, ok := conn.LocalAddr().(*net.TCPAddr); ok {
		p.mu.Lock()
		p.ports = append(p.ports, addr.Port)
		p.mu.Unlock()
	} else {
		p.mu.Lock()
		p.ports = append(p.ports, 0)
		p.mu.Unlock()
	}
}

func (p *portLog) list() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int{}, p.ports...)
}

func fmtValue(v interface{}) string { return fmt.Sprint(v) }
