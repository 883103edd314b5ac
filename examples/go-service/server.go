package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/pprof"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Set at link time: go build -ldflags "-X main.version=1.4.3+a1b2c3d -X main.commit=<sha>".
var (
	version = "0.0.0-dev"
	commit  = "unknown"
)

// Service holds the handlers and the state they share.
type Service struct {
	cfg      Config
	log      *slog.Logger
	registry *prometheus.Registry
	ready    atomic.Bool
	// rand is swappable so tests can make the error rate deterministic.
	rand func() float64
	// The live faults: set from the config at start, changed by PUT /debug/fault when enabled.
	errorRateBits atomic.Uint64
	latencyNanos  atomic.Int64
}

func newService(cfg Config, log *slog.Logger) *Service {
	s := &Service{cfg: cfg, log: log, registry: prometheus.NewRegistry(), rand: rand.Float64}
	s.ready.Store(true)
	s.setFault(cfg.FaultErrorRate, cfg.FaultLatency)
	return s
}

func (s *Service) setFault(errorRate float64, latency time.Duration) {
	s.errorRateBits.Store(math.Float64bits(errorRate))
	s.latencyNanos.Store(int64(latency))
}

func (s *Service) errorRate() float64     { return math.Float64frombits(s.errorRateBits.Load()) }
func (s *Service) latency() time.Duration { return time.Duration(s.latencyNanos.Load()) }

// Handler is the public mux. pprof is never mounted here, so /debug/pprof/ is a 404 on the
// service port in every mode; when enabled it lives on its own loopback listener (pprofHandler).
func (s *Service) Handler() http.Handler {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "http_requests_total",
		Help: "HTTP requests served, by status code and handler.",
	}, []string{"code", "handler"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "http_request_duration_seconds",
		Help:    "HTTP request latency, by status code and handler.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"code", "handler"})
	buildInfo := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "go_service_build_info",
		Help: "Always 1; labels carry the stamped version and commit.",
	}, []string{"version", "commit"})
	buildInfo.WithLabelValues(version, commit).Set(1)
	s.registry.MustRegister(requests, duration, buildInfo,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	mux := http.NewServeMux()
	route := func(pattern, name string, h http.HandlerFunc) {
		labels := prometheus.Labels{"handler": name}
		// Series exist from the first scrape at zero: a rate() over a counter that appears only
		// with its first 500 misses the errors before its second sample, which would hide a bad
		// canary's first errors from analysis.
		for _, code := range []string{"200", "500"} {
			requests.WithLabelValues(code, name)
		}
		var wrapped http.Handler = h
		wrapped = promhttp.InstrumentHandlerDuration(duration.MustCurryWith(labels), wrapped)
		wrapped = promhttp.InstrumentHandlerCounter(requests.MustCurryWith(labels), wrapped)
		mux.Handle(pattern, s.accessLog(name, wrapped))
	}
	route("GET /{$}", "root", s.root)
	route("GET /version", "version", s.versionHandler)
	route("GET /healthz", "healthz", s.healthz)
	route("GET /readyz", "readyz", s.readyz)
	if s.cfg.FaultControl {
		// Not instrumented: drills must not show up in the request metrics they are meant to move.
		mux.HandleFunc("GET /debug/fault", s.faultHandler)
		mux.HandleFunc("PUT /debug/fault", s.faultHandler)
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry}))
	return mux
}

// root is the "business" endpoint: faults apply here, and the body names the version so a
// traffic split can be counted from the client side.
func (s *Service) root(w http.ResponseWriter, r *http.Request) {
	if latency := s.latency(); latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return
		}
	}
	if rate := s.errorRate(); rate > 0 && s.rand() < rate {
		http.Error(w, "injected fault\n", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "go-service %s\n", version)
}

// faultBody is what GET /debug/fault answers and PUT /debug/fault takes (omitted fields keep their value).
type faultBody struct {
	ErrorRate *float64 `json:"errorRate,omitempty"`
	LatencyMs *int64   `json:"latencyMs,omitempty"`
}

// faultHandler reads or changes the live faults. Mounted only with FaultControl, and even then it
// answers only loopback callers: a fault switch reachable from the network is an outage switch.
func (s *Service) faultHandler(w http.ResponseWriter, r *http.Request) {
	if !fromLoopback(r) {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "fault control answers loopback callers only"})
		return
	}
	if r.Method == http.MethodPut {
		var body faultBody
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body must be JSON like {\"errorRate\":0.5,\"latencyMs\":100}: " + err.Error()})
			return
		}
		rate, latency := s.errorRate(), s.latency()
		if body.ErrorRate != nil {
			if *body.ErrorRate < 0 || *body.ErrorRate > 1 || math.IsNaN(*body.ErrorRate) {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "errorRate must be between 0 and 1"})
				return
			}
			rate = *body.ErrorRate
		}
		if body.LatencyMs != nil {
			if *body.LatencyMs < 0 || *body.LatencyMs > 60000 {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "latencyMs must be between 0 and 60000"})
				return
			}
			latency = time.Duration(*body.LatencyMs) * time.Millisecond
		}
		s.setFault(rate, latency)
		s.log.Warn("fault changed", "fault_error_rate", rate, "fault_latency_ms", latency.Milliseconds(), "remote", r.RemoteAddr)
	}
	rate, ms := s.errorRate(), s.latency().Milliseconds()
	writeJSON(w, http.StatusOK, faultBody{ErrorRate: &rate, LatencyMs: &ms})
}

// fromLoopback is true when the TCP peer is on the loopback interface. Forwarded headers are not
// trusted. A proxy on the same host forwards from loopback, so FaultControl stays off wherever
// one fronts the service for callers from outside.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Service) versionHandler(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"version": version, "commit": commit})
}

func (s *Service) healthz(w http.ResponseWriter, _ *http.Request) {
	if s.cfg.FaultHealthz {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"ok": false, "reason": "fault injection"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

func (s *Service) readyz(w http.ResponseWriter, _ *http.Request) {
	if s.cfg.FaultReadyz {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"ready": false, "reason": "fault injection"})
		return
	}
	if !s.ready.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"ready": false, "reason": "draining"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ready": true})
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *Service) accessLog(name string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.log.Debug("request", "handler", name, "method", r.Method, "path", r.URL.Path,
			"code", rec.code, "duration_ms", float64(time.Since(start).Microseconds())/1000)
	})
}

// pprofHandler is mounted only on the loopback pprof listener.
func pprofHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

func writeJSON(w http.ResponseWriter, code int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}
