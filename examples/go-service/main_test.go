package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func testConfig(t *testing.T, env map[string]string, args ...string) Config {
	t.Helper()
	cfg, err := parseConfig(args, func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("parseConfig: %v", err)
	}
	return cfg
}

func discard() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestConfigDefaultsFlagsAndEnv(t *testing.T) {
	cfg := testConfig(t, nil)
	if cfg.Addr != "127.0.0.1:8080" || cfg.PprofAddr != "" || cfg.FaultErrorRate != 0 || cfg.FaultHealthz {
		t.Fatalf("unexpected defaults: %+v", cfg)
	}
	cfg = testConfig(t, map[string]string{"ADDR": "127.0.0.1:9000", "FAULT_ERROR_RATE": "0.5", "FAULT_LATENCY_MS": "20", "FAULT_HEALTHZ_FAIL": "true"})
	if cfg.Addr != "127.0.0.1:9000" || cfg.FaultErrorRate != 0.5 || cfg.FaultLatency != 20*time.Millisecond || !cfg.FaultHealthz {
		t.Fatalf("env not applied: %+v", cfg)
	}
	cfg = testConfig(t, map[string]string{"ADDR": "127.0.0.1:9000"}, "--addr", "127.0.0.1:9001", "--fault-error-rate", "1")
	if cfg.Addr != "127.0.0.1:9001" || cfg.FaultErrorRate != 1 {
		t.Fatalf("flags must win over env: %+v", cfg)
	}
}

func TestConfigRejectsBadValues(t *testing.T) {
	cases := map[string][]string{
		"rate above 1":      {"--fault-error-rate", "1.5"},
		"negative latency":  {"--fault-latency-ms", "-1"},
		"pprof on all ifs":  {"--pprof-addr", "0.0.0.0:6060"},
		"pprof public host": {"--pprof-addr", "8.8.8.8:6060"},
		"bad log level":     {"--log-level", "loud"},
		"bad healthz fault": {"--fault-healthz-fail", "maybe"},
	}
	for name, args := range cases {
		if _, err := parseConfig(args, func(string) string { return "" }); err == nil {
			t.Errorf("%s: expected an error for %v", name, args)
		}
	}
	for _, ok := range []string{"127.0.0.1:6060", "[::1]:6060", "localhost:6060"} {
		if _, err := parseConfig([]string{"--pprof-addr", ok}, func(string) string { return "" }); err != nil {
			t.Errorf("loopback %s refused: %v", ok, err)
		}
	}
}

func TestEndpoints(t *testing.T) {
	version, commit = "1.4.3+a1b2c3d", "a1b2c3d4e5f6"
	h := newService(testConfig(t, nil), discard()).Handler()

	if rec := get(t, h, "/"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "1.4.3+a1b2c3d") {
		t.Fatalf("/ = %d %q", rec.Code, rec.Body.String())
	}
	rec := get(t, h, "/version")
	var v map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || v["version"] != "1.4.3+a1b2c3d" || v["commit"] != "a1b2c3d4e5f6" {
		t.Fatalf("/version = %d %q", rec.Code, rec.Body.String())
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if rec := get(t, h, p); rec.Code != 200 {
			t.Fatalf("%s = %d", p, rec.Code)
		}
	}
	for _, p := range []string{"/debug/pprof/", "/debug/pprof/heap", "/nope"} {
		if rec := get(t, h, p); rec.Code != 404 {
			t.Fatalf("%s = %d, want 404 in production mode", p, rec.Code)
		}
	}
	metrics := get(t, h, "/metrics").Body.String()
	for _, want := range []string{
		`http_requests_total{code="200",handler="root"} 1`,
		`http_request_duration_seconds_bucket{code="200",handler="version",le="0.005"}`,
		`go_service_build_info{commit="a1b2c3d4e5f6",version="1.4.3+a1b2c3d"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics missing %q", want)
		}
	}
}

func TestFaultInjection(t *testing.T) {
	svc := newService(testConfig(t, map[string]string{"FAULT_ERROR_RATE": "0.5", "FAULT_HEALTHZ_FAIL": "true", "FAULT_READYZ_FAIL": "true", "FAULT_LATENCY_MS": "30"}), discard())
	draws := []float64{0.1, 0.9}
	svc.rand = func() float64 { d := draws[0]; draws = draws[1:]; return d }
	h := svc.Handler()
	start := time.Now()
	if rec := get(t, h, "/"); rec.Code != 500 {
		t.Fatalf("draw below the rate must fail, got %d", rec.Code)
	}
	if time.Since(start) < 30*time.Millisecond {
		t.Fatalf("latency fault not applied")
	}
	if rec := get(t, h, "/"); rec.Code != 200 {
		t.Fatalf("draw above the rate must pass, got %d", rec.Code)
	}
	if rec := get(t, h, "/healthz"); rec.Code != 503 {
		t.Fatalf("/healthz = %d, want 503", rec.Code)
	}
	if rec := get(t, h, "/readyz"); rec.Code != 503 {
		t.Fatalf("/readyz = %d, want 503", rec.Code)
	}
	if !strings.Contains(get(t, h, "/metrics").Body.String(), `http_requests_total{code="500",handler="root"} 1`) {
		t.Fatalf("500s not counted")
	}
}

// TestGracefulDrain runs the real server: after cancellation /readyz turns 503 while the
// listener still accepts, then the server stops and run returns nil.
func TestGracefulDrain(t *testing.T) {
	cfg := testConfig(t, nil, "--addr", "127.0.0.1:0", "--pprof-addr", "127.0.0.1:0", "--drain-delay", "300ms")
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan [2]net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, discard(), func(m, p net.Addr) { addrs <- [2]net.Addr{m, p} }) }()
	a := <-addrs
	base, pprofBase := "http://"+a[0].String(), "http://"+a[1].String()

	status := func(url string) int {
		resp, err := http.Get(url)
		if err != nil {
			return -1
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := status(base + "/readyz"); s != 200 {
		t.Fatalf("readyz before drain = %d", s)
	}
	if s := status(pprofBase + "/debug/pprof/"); s != 200 {
		t.Fatalf("pprof listener = %d, want 200 when enabled", s)
	}
	if s := status(base + "/debug/pprof/"); s != 404 {
		t.Fatalf("pprof on the service port = %d, want 404", s)
	}
	cancel()
	deadline := time.Now().Add(250 * time.Millisecond)
	for status(base+"/readyz") != 503 {
		if time.Now().After(deadline) {
			t.Fatal("readyz never turned 503 during the drain")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("server did not stop after the drain")
	}
	if s := status(base + "/healthz"); s != -1 {
		t.Fatalf("listener still open after shutdown: %d", s)
	}
}

func doFault(t *testing.T, h http.Handler, method, remote, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, "/debug/fault", strings.NewReader(body))
	req.RemoteAddr = remote
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestFaultControlIsOffByDefault(t *testing.T) {
	if cfg := testConfig(t, nil); cfg.FaultControl {
		t.Fatal("fault control must be off by default")
	}
	h := newService(testConfig(t, nil), discard()).Handler()
	for _, m := range []string{http.MethodGet, http.MethodPut} {
		if rec := doFault(t, h, m, "127.0.0.1:5555", `{"errorRate":1}`); rec.Code != 404 && rec.Code != 405 {
			t.Fatalf("%s /debug/fault without FAULT_CONTROL = %d, want 404", m, rec.Code)
		}
	}
	if rec := get(t, h, "/"); rec.Code != 200 {
		t.Fatalf("a refused fault change must change nothing, / = %d", rec.Code)
	}
	if _, err := parseConfig([]string{"--fault-control", "maybe"}, func(string) string { return "" }); err == nil {
		t.Fatal("a bad fault-control value must be refused")
	}
}

func TestFaultControlChangesFaultsAtRunTime(t *testing.T) {
	svc := newService(testConfig(t, map[string]string{"FAULT_CONTROL": "1"}), discard())
	svc.rand = func() float64 { return 0.5 }
	h := svc.Handler()
	if rec := get(t, h, "/"); rec.Code != 200 {
		t.Fatalf("no fault at start, / = %d", rec.Code)
	}
	rec := doFault(t, h, http.MethodPut, "127.0.0.1:5555", `{"errorRate":0.9,"latencyMs":20}`)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"errorRate":0.9`) || !strings.Contains(rec.Body.String(), `"latencyMs":20`) {
		t.Fatalf("PUT /debug/fault = %d %q", rec.Code, rec.Body.String())
	}
	start := time.Now()
	if rec := get(t, h, "/"); rec.Code != 500 {
		t.Fatalf("after errorRate 0.9 a draw of 0.5 must fail, got %d", rec.Code)
	}
	if time.Since(start) < 20*time.Millisecond {
		t.Fatal("latency change not applied")
	}
	// Omitted fields keep their value; IPv6 loopback is loopback too.
	if rec := doFault(t, h, http.MethodPut, "[::1]:5555", `{"errorRate":0}`); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"latencyMs":20`) {
		t.Fatalf("partial PUT = %d %q", rec.Code, rec.Body.String())
	}
	if rec := get(t, h, "/"); rec.Code != 200 {
		t.Fatalf("after errorRate 0, / = %d", rec.Code)
	}
	if rec := doFault(t, h, http.MethodGet, "127.0.0.1:5555", ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"errorRate":0`) {
		t.Fatalf("GET /debug/fault = %d %q", rec.Code, rec.Body.String())
	}
	if !strings.Contains(get(t, h, "/metrics").Body.String(), `http_requests_total{code="500",handler="root"} 1`) {
		t.Fatal("the injected 500 is counted")
	}
}

func TestFaultControlRefusesRemoteCallersAndBadBodies(t *testing.T) {
	svc := newService(testConfig(t, map[string]string{"FAULT_CONTROL": "true"}), discard())
	svc.rand = func() float64 { return 0 }
	h := svc.Handler()
	for _, remote := range []string{"10.0.0.7:4000", "192.168.1.2:4000", "[2001:db8::1]:4000", "garbage"} {
		if rec := doFault(t, h, http.MethodPut, remote, `{"errorRate":1}`); rec.Code != 403 {
			t.Fatalf("PUT from %s = %d, want 403", remote, rec.Code)
		}
	}
	for _, body := range []string{`{"errorRate":1.5}`, `{"errorRate":-0.1}`, `{"latencyMs":-1}`, `{"nope":1}`, `not json`} {
		if rec := doFault(t, h, http.MethodPut, "127.0.0.1:1", body); rec.Code != 400 {
			t.Fatalf("PUT %s = %d, want 400", body, rec.Code)
		}
	}
	if rec := get(t, h, "/"); rec.Code != 200 {
		t.Fatalf("refused changes must change nothing, / = %d", rec.Code)
	}
}
