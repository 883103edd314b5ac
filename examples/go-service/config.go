package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is everything the service reads at start: flags win over environment variables,
// which win over defaults. Faults are fixed for the life of the process on purpose: a
// "bad release" is a release started with bad settings, exactly like a real regression.
type Config struct {
	Addr           string
	PprofAddr      string
	LogLevel       string
	DrainDelay     time.Duration
	ShutdownGrace  time.Duration
	FaultErrorRate float64
	FaultLatency   time.Duration
	FaultHealthz   bool
	// FaultReadyz keeps /readyz at 503: an instance that starts but never becomes ready, as an
	// orchestrator's readiness probe sees it.
	FaultReadyz bool
	// FaultControl mounts PUT /debug/fault (loopback callers only) to change the error rate and
	// latency of a running process: drills and tests of watching after promotion. Off by default.
	FaultControl bool
}

// parseConfig reads flags from args (without the program name) and defaults from getenv.
func parseConfig(args []string, getenv func(string) string) (Config, error) {
	env := func(name, fallback string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return fallback
	}
	fs := flag.NewFlagSet("go-service", flag.ContinueOnError)
	addr := fs.String("addr", env("ADDR", "127.0.0.1:8080"), "listen address (env ADDR)")
	pprofAddr := fs.String("pprof-addr", env("PPROF_ADDR", ""), "loopback address for pprof; empty disables it (env PPROF_ADDR)")
	logLevel := fs.String("log-level", env("LOG_LEVEL", "info"), "debug|info|warn|error (env LOG_LEVEL)")
	drain := fs.String("drain-delay", env("DRAIN_DELAY", "2s"), "how long /readyz reports not-ready before the listener closes (env DRAIN_DELAY)")
	grace := fs.String("shutdown-grace", env("SHUTDOWN_GRACE", "10s"), "time allowed for in-flight requests (env SHUTDOWN_GRACE)")
	errRate := fs.String("fault-error-rate", env("FAULT_ERROR_RATE", "0"), "share of / requests answered 500, 0..1 (env FAULT_ERROR_RATE)")
	latency := fs.String("fault-latency-ms", env("FAULT_LATENCY_MS", "0"), "latency added to / in milliseconds (env FAULT_LATENCY_MS)")
	healthz := fs.String("fault-healthz-fail", env("FAULT_HEALTHZ_FAIL", "false"), "make /healthz answer 503 (env FAULT_HEALTHZ_FAIL)")
	readyz := fs.String("fault-readyz-fail", env("FAULT_READYZ_FAIL", "false"), "make /readyz answer 503 (env FAULT_READYZ_FAIL)")
	control := fs.String("fault-control", env("FAULT_CONTROL", "false"), "mount PUT /debug/fault for loopback callers (env FAULT_CONTROL)")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}

	cfg := Config{Addr: *addr, PprofAddr: *pprofAddr, LogLevel: strings.ToLower(*logLevel)}
	var err error
	if cfg.DrainDelay, err = time.ParseDuration(*drain); err != nil || cfg.DrainDelay < 0 {
		return Config{}, fmt.Errorf("drain delay %q: must be a non-negative duration like 2s", *drain)
	}
	if cfg.ShutdownGrace, err = time.ParseDuration(*grace); err != nil || cfg.ShutdownGrace <= 0 {
		return Config{}, fmt.Errorf("shutdown grace %q: must be a positive duration like 10s", *grace)
	}
	if cfg.FaultErrorRate, err = strconv.ParseFloat(*errRate, 64); err != nil || cfg.FaultErrorRate < 0 || cfg.FaultErrorRate > 1 {
		return Config{}, fmt.Errorf("fault error rate %q: must be a number between 0 and 1", *errRate)
	}
	ms, err := strconv.Atoi(*latency)
	if err != nil || ms < 0 {
		return Config{}, fmt.Errorf("fault latency %q: must be a non-negative integer of milliseconds", *latency)
	}
	cfg.FaultLatency = time.Duration(ms) * time.Millisecond
	if cfg.FaultHealthz, err = strconv.ParseBool(*healthz); err != nil {
		return Config{}, fmt.Errorf("fault healthz fail %q: must be true or false", *healthz)
	}
	if cfg.FaultReadyz, err = strconv.ParseBool(*readyz); err != nil {
		return Config{}, fmt.Errorf("fault readyz fail %q: must be true or false", *readyz)
	}
	if cfg.FaultControl, err = strconv.ParseBool(*control); err != nil {
		return Config{}, fmt.Errorf("fault control %q: must be true or false", *control)
	}
	if _, err := parseLevel(cfg.LogLevel); err != nil {
		return Config{}, err
	}
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return Config{}, fmt.Errorf("addr %q: %w", cfg.Addr, err)
	}
	if cfg.PprofAddr != "" {
		if err := requireLoopback(cfg.PprofAddr); err != nil {
			return Config{}, err
		}
	}
	return cfg, nil
}

// requireLoopback refuses any pprof address that is not on the loopback interface: profiles
// expose memory contents and a CPU profile is a cheap denial of service.
func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("pprof addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return errors.New("pprof addr " + strconv.Quote(addr) + ": must be a loopback address such as 127.0.0.1:6060")
	}
	return nil
}

func getenvOS(name string) string { return os.Getenv(name) }
