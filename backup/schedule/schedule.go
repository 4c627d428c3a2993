// Package schedule runs a backup on a cron schedule in a long-lived process.
//
// Schedules use the five cron fields (minute hour day-of-month month
// day-of-week) or a descriptor such as @daily or @every 6h, in the process's
// local time zone, as cron itself does. Runs never overlap: a run that is
// still going when the next is due makes the scheduler skip that one and
// log it. Each run is logged with its duration and result; a failed run is
// logged and the scheduler goes on, so one bad night does not stop the next.
package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Parse checks a schedule.
func Parse(spec string) (cron.Schedule, error) {
	s, err := parser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("--schedule %q: %v (write five cron fields such as \"0 2 * * *\", or @daily, or @every 6h)", spec, err)
	}
	return s, nil
}

// Run calls job at every time spec names until ctx is cancelled, then waits
// for a run in progress to finish (its context is cancelled too) and
// returns. It returns an error only for a bad schedule.
func Run(ctx context.Context, spec string, job func(context.Context) error, log *slog.Logger) error {
	sched, err := Parse(spec)
	if err != nil {
		return err
	}
	cl := cronLogger{log}
	c := cron.New(cron.WithParser(parser), cron.WithLogger(cl), cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)))
	c.Schedule(sched, cron.FuncJob(func() {
		start := time.Now()
		log.Info("backup run starting")
		if err := job(ctx); err != nil {
			log.Error("backup run failed", "duration", time.Since(start).Round(time.Millisecond).String(), "err", err)
			return
		}
		log.Info("backup run finished", "duration", time.Since(start).Round(time.Millisecond).String())
	}))
	c.Start()
	log.Info("scheduler started", "schedule", spec, "next", sched.Next(time.Now()).Format(time.RFC3339))
	<-ctx.Done()
	log.Info("scheduler stopping; waiting for a run in progress")
	<-c.Stop().Done()
	return nil
}

// cronLogger passes cron's own messages to slog. cron reports a skipped
// run through Info with the message "skip".
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" {
		l.log.Warn("backup run skipped: the previous run is still going")
		return
	}
	l.log.Debug("cron: "+msg, kv...)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
