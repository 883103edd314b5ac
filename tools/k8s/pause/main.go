// Command pause holds a pod's namespaces open for its lifetime, like registry.k8s.io/pause:
// containerd starts it as the pod sandbox's first process and stops it with SIGTERM or SIGKILL.
// When a pod shares one PID namespace between its containers, this is their PID 1, so it also
// reaps the zombies that PID 1 inherits.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if os.Getpid() != 1 {
		// Outside a sandbox it still waits, but says why nothing happens.
		os.Stderr.WriteString("pause: not PID 1 of a pod sandbox; waiting for a signal\n")
	}
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for sig := range signals {
		if sig != syscall.SIGCHLD {
			os.Exit(0)
		}
		reap()
	}
}

// reap collects every exited child without blocking.
func reap() {
	for {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}
