// Command go-service is the example service Sluice builds and deploys: health and readiness
// endpoints, Prometheus metrics, JSON logs, graceful drain, and fault injection for drills.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	cfg, err := parseConfig(os.Args[1:], getenvOS)
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-service:", err)
		os.Exit(2)
	}
	level, _ := parseLevel(cfg.LogLevel)
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level})).
		With("service", "go-service", "version", version, "commit", commit)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := run(ctx, cfg, log, nil); err != nil {
		log.Error("exit", "error", err.Error())
		os.Exit(1)
	}
}

// run serves until ctx is cancelled, then drains: /readyz turns 503 for DrainDelay so load
// balancers stop sending traffic, then in-flight requests get ShutdownGrace to finish.
// onListen, when set, receives the bound addresses (tests listen on port 0).
func run(ctx context.Context, cfg Config, log *slog.Logger, onListen func(main, pprof net.Addr)) error {
	svc := newService(cfg, log)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: svc.Handler(), ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()

	var pprofSrv *http.Server
	var pprofAddr net.Addr
	if cfg.PprofAddr != "" {
		pln, err := net.Listen("tcp", cfg.PprofAddr)
		if err != nil {
			_ = srv.Close()
			return fmt.Errorf("pprof listener: %w", err)
		}
		pprofAddr = pln.Addr()
		pprofSrv = &http.Server{Handler: pprofHandler(), ReadHeaderTimeout: 5 * time.Second}
		go func() { errc <- pprofSrv.Serve(pln) }()
	}
	log.Info("listening", "addr", ln.Addr().String(), "pprof", cfg.PprofAddr != "",
		"fault_error_rate", cfg.FaultErrorRate, "fault_latency_ms", cfg.FaultLatency.Milliseconds(),
		"fault_healthz_fail", cfg.FaultHealthz, "fault_readyz_fail", cfg.FaultReadyz, "fault_control", cfg.FaultControl)
	if onListen != nil {
		onListen(ln.Addr(), pprofAddr)
	}

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	svc.ready.Store(false)
	log.Info("draining", "drain_delay_ms", cfg.DrainDelay.Milliseconds())
	time.Sleep(cfg.DrainDelay)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	if pprofSrv != nil {
		_ = pprofSrv.Close()
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(s))); err != nil {
		return 0, fmt.Errorf("log level %q: must be debug, info, warn or error", s)
	}
	return l, nil
}
