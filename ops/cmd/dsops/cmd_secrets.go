package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"filippo.io/age"
	"github.com/spf13/cobra"

	"datasynth.dev/backup/secrets"
	"datasynth.dev/verify/atomicfile"
)

func newSecretsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "secrets",
		Short: "Encrypt, decrypt and re-key secrets files with age, for version control",
		Long: `Keep an environment file in version control encrypted, as
configs/production/server.env.age beside the generation config, in the age
format: the age command reads and writes the same files, so a person who has
the identity but not dsops can still get the secrets back.

A recipient is a public key (age1..., ssh-ed25519 ..., ssh-rsa ...); an
identity is the matching private key file, written by age-keygen or
dsops secrets keygen. Keep identities out of the repository.

Exit codes:
  0  done
  2  could not run: bad flags, a wrong identity, a damaged or truncated
     file; nothing was written`,
		Example: `  dsops secrets keygen -o ~/.config/datasynth/key.txt
  dsops secrets encrypt --to age1... server.env > configs/production/server.env.age
  dsops secrets decrypt --identity ~/.config/datasynth/key.txt configs/production/server.env.age > server.env
  dsops secrets rekey --identity old-key.txt --recipients-file configs/recipients.txt configs/*/server.env.age`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newSecretsEncryptCmd(g), newSecretsDecryptCmd(g), newSecretsRekeyCmd(g), newSecretsKeygenCmd(g))
	return cmd
}

// recipientFlags are --to and --recipients-file.
type recipientFlags struct{ to, files []string }

func (r *recipientFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&r.to, "to", nil, "public `recipient` to encrypt to (age1..., ssh-ed25519 ...; repeatable)")
	cmd.Flags().StringArrayVar(&r.files, "recipients-file", nil, "`file` of recipients, one per line (repeatable)")
}

func (r *recipientFlags) parse() ([]age.Recipient, error) {
	recips, err := secrets.ParseRecipients(r.to, r.files)
	if err == nil && len(recips) == 0 {
		err = errors.New("no recipients: give --to or --recipients-file")
	}
	return recips, err
}

func newSecretsEncryptCmd(g *globals) *cobra.Command {
	var r recipientFlags
	var output string
	cmd := &cobra.Command{
		Use:   "encrypt --to RECIPIENT [-o FILE.age] [FILE]",
		Short: "Encrypt FILE (or standard input) to the recipients",
		Long: `Encrypt FILE, or standard input, to every recipient given, and write the
age file to -o (atomically, mode 0600) or to standard output.

Exit codes:
  0  encrypted
  2  could not run (no recipient, unreadable input); nothing was written`,
		Example: `  dsops secrets encrypt --to age1... server.env > server.env.age
  dsops secrets encrypt --recipients-file recipients.txt -o server.env.age server.env`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			recips, err := r.parse()
			if err != nil {
				return err
			}
			in, err := input(cmd, args)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := secrets.Encrypt(&buf, bytes.NewReader(in), recips); err != nil {
				return err
			}
			return emit(g, output, buf.Bytes(), 0o600)
		},
	}
	r.register(cmd)
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to `file` (mode 0600) instead of standard output")
	return cmd
}

func newSecretsDecryptCmd(g *globals) *cobra.Command {
	var identity, output string
	cmd := &cobra.Command{
		Use:   "decrypt --identity KEY [-o FILE] [FILE.age]",
		Short: "Decrypt an age file (or standard input) with an identity",
		Long: `Decrypt an age file, or standard input, with the identity file, and write
the plaintext to -o (atomically, mode 0600) or to standard output. The
whole file is read and authenticated first: a wrong identity, or a
truncated or tampered file, prints an error and no plaintext at all.

Exit codes:
  0  decrypted
  2  wrong identity, damaged file, or could not run; nothing was written`,
		Example: `  dsops secrets decrypt --identity key.txt server.env.age > server.env
  dsops secrets decrypt --identity ~/.ssh/id_ed25519 -o /etc/datasynth/server.env server.env.age`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if identity == "" {
				return errors.New("--identity is required: the key file of one of the recipients")
			}
			ids, err := secrets.LoadIdentities(identity)
			if err != nil {
				return err
			}
			in, err := input(cmd, args)
			if err != nil {
				return err
			}
			data, err := secrets.Decrypt(bytes.NewReader(in), inputName(args), ids)
			if err != nil {
				return err
			}
			return emit(g, output, data, 0o600)
		},
	}
	cmd.Flags().StringVarP(&identity, "identity", "i", "", "age identity `file` (or an unencrypted SSH private key)")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to `file` (mode 0600) instead of standard output")
	return cmd
}

func newSecretsRekeyCmd(g *globals) *cobra.Command {
	var r recipientFlags
	var identity string
	cmd := &cobra.Command{
		Use:   "rekey --identity KEY --to RECIPIENT FILE.age...",
		Short: "Re-encrypt age files to a new set of recipients, in place",
		Long: `Decrypt each FILE.age with the identity and encrypt it again to exactly the
recipients given, replacing the file atomically (its mode is kept). Use it
to add or remove a person, or to rotate a key: after a rekey the old
identity opens none of the files. Every file is decrypted before any is
replaced, so a wrong identity or a damaged file changes nothing.

Exit codes:
  0  every file re-encrypted
  2  could not run; no file was changed`,
		Example: `  dsops secrets rekey --identity old-key.txt --to age1new... configs/production/server.env.age
  dsops secrets rekey --identity key.txt --recipients-file configs/recipients.txt configs/*/server.env.age`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if identity == "" {
				return errors.New("--identity is required: a key that opens the files today")
			}
			recips, err := r.parse()
			if err != nil {
				return err
			}
			ids, err := secrets.LoadIdentities(identity)
			if err != nil {
				return err
			}
			plain := make([][]byte, len(args))
			for i, f := range args {
				if plain[i], err = secrets.DecryptFile(f, ids); err != nil {
					return fmt.Errorf("%w; no file was changed", err)
				}
			}
			for i, f := range args {
				fi, err := os.Stat(f)
				if err != nil {
					return err
				}
				if err := secrets.WriteEncrypted(f, plain[i], recips, fi.Mode().Perm()); err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "re-encrypted %s to %d recipient%s\n", f, len(recips), plural(len(recips)))
			}
			return nil
		},
	}
	r.register(cmd)
	cmd.Flags().StringVarP(&identity, "identity", "i", "", "age identity `file` that opens the files today")
	return cmd
}

func newSecretsKeygenCmd(g *globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "keygen -o KEY",
		Short: "Write a new age identity and print its public key",
		Long: `Write a new X25519 identity to -o (mode 0600; an existing file is never
overwritten), as age-keygen does, and print its public key: give that to
dsops backup --encrypt-to and keep the file somewhere the backup host cannot
read (see the key handling section of docs/backup.md).

Exit codes:
  0  written
  2  could not run; nothing was written`,
		Example: `  dsops secrets keygen -o ~/.config/datasynth/backup-key.txt`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if output == "" {
				return errors.New("-o is required: the file to keep the identity in")
			}
			if _, err := os.Lstat(output); err == nil {
				return fmt.Errorf("-o %s exists; an identity is never overwritten (the backups encrypted to it would be lost): choose another name", output)
			}
			id, text, err := secrets.NewIdentity()
			if err != nil {
				return err
			}
			if err := emit(&globals{}, output, text, 0o600); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "%s\n", id.Recipient())
			fmt.Fprintf(g.stderr, "wrote the identity to %s (mode 0600); its public key is above\n", output)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "identity `file` to write")
	return cmd
}

// input reads the named file, or standard input when there is none.
func input(cmd *cobra.Command, args []string) ([]byte, error) {
	if len(args) == 0 {
		return io.ReadAll(io.LimitReader(cmd.InOrStdin(), secrets.MaxPlaintext+1))
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return nil, err
	}
	return data, nil
}

func inputName(args []string) string {
	if len(args) == 0 {
		return "standard input"
	}
	return args[0]
}

// emit writes data to the file output atomically, or to standard output.
func emit(g *globals, output string, data []byte, perm os.FileMode) error {
	if output == "" {
		_, err := g.stdout.Write(data)
		return err
	}
	if err := os.MkdirAll(filepath.Dir(output), 0o700); err != nil {
		return err
	}
	return atomicfile.WriteFile(output, data, perm)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
