package main

import (
	"filippo.io/age"
	"github.com/spf13/cobra"

	"datasynth.dev/backup/restore"
	"datasynth.dev/backup/secrets"
	"datasynth.dev/ops/internal/recipe"
)

// restoreOptions holds the flags of `dsops restore` as given.
type restoreOptions struct {
	settings  string
	to        string
	list      bool
	s3        s3Flags
	identity  string
	generator string
}

func newRestoreCmd(g *globals) *cobra.Command {
	var o restoreOptions
	cmd := &cobra.Command{
		Use:   "restore ARCHIVE|s3://bucket/key --to DIR",
		Short: "Restore a backup into a new folder, checking every checksum",
		Long: `Restore a backup made by dsops backup, from a file or from S3.

The backup's .sha256 sidecar must sit beside it (in the same folder or under
the same S3 prefix). The whole file is checked against the sidecar and every
file of an archive against the archive's manifest while it is extracted into
a temporary folder beside DIR; DIR appears, complete, only when every check
has passed. DIR must not exist yet, or be empty.

Entries with absolute paths or "..", links pointing outside DIR, hard links
and device files are refused, and the message names the entry.

An environment-file backup (server.env.YYYY-MM-DD) is restored as
DIR/server.env with mode 0600; DIR may hold other files. Likewise the
Kubernetes export (DIR/k8s-configmap.yaml, DIR/k8s-secret.yaml, ready for
kubectl apply -f) and secret files (under their own names). A backup
encrypted with age (NAME.YYYY-MM-DD.age) needs --identity, the key file of
one of its recipients; it is checked and decrypted whole before anything
is written.

A recipe (recipe-YYYY-MM-DD.tar.gz) is restored by regenerating its dataset
with the pinned generator: the installed datasynth-data when its generator
version is the recipe's, else the image the recipe's lock names, through
Docker; otherwise it refuses and names the version and how to get it. The
result is checked against the recipe's run manifest: it is byte-identical,
or nothing is left under DIR.

--list prints the archive's manifest (mode, size, SHA-256, path) after
checking the archive against its sidecar, and extracts nothing.

Exit codes:
  0  restored (or listed); every checksum matched
  2  refused (damaged or unsafe backup, existing target) or could not run;
     the message says what and where`,
		Example: `  dsops restore /var/backups/datasynth/output-2026-11-25.tar.gz --to /var/lib/datasynth/output.restored
  dsops restore s3://backups/datasynth/output-2026-11-25.tar.gz --to ./recovered
  dsops restore /var/backups/datasynth/server.env.2026-11-25 --to /etc/datasynth
  dsops restore output-2026-11-25.tar.gz --list
  dsops restore server.env.2026-11-25.age --identity ~/.config/datasynth/backup-key.txt --to /etc/datasynth
  dsops restore /var/backups/datasynth/recipe-2026-11-25.tar.gz --to /var/lib/datasynth/output.restored`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := loadSettings(cmd, o.settings)
			if err != nil {
				return err
			}
			s3, err := o.s3.load(v)
			if err != nil {
				return err
			}
			var ids []age.Identity
			if o.identity != "" {
				if ids, err = secrets.LoadIdentities(o.identity); err != nil {
					return err
				}
			}
			return restore.Run(cmd.Context(), restore.Options{
				Identities:  ids,
				Regenerator: &recipe.Regenerator{Generator: o.generator, Stderr: g.stderr},
				Source:      args[0],
				To:          o.to,
				List:        o.list,
				S3:          s3,
				Progress:    restoreProgress(g.stderr),
				Out:         g.stdout,
			}, g.logger())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.settings, "settings", "", "settings `file` for the S3 flags (default "+defaultSettings+" if it exists; env DSOPS_SETTINGS)")
	f.StringVar(&o.to, "to", "", "`folder` to restore into; it must not exist yet, or be empty")
	f.BoolVar(&o.list, "list", false, "list the archive's content instead of restoring it")
	f.StringVar(&o.identity, "identity", "", "age identity `file` that decrypts an encrypted backup (age-keygen or dsops secrets keygen wrote it)")
	f.StringVar(&o.generator, "generator", "", "datasynth-data `program` that regenerates a recipe (default: datasynth-data on PATH)")
	o.s3.register(f, false)
	return cmd
}
