package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/dustin/go-humanize"

	"datasynth.dev/backup/archive"
	"datasynth.dev/backup/catalog"
	"datasynth.dev/verify/atomicfile"
)

// Output modes: how the output folder is backed up.
const (
	// OutputArchive archives every file of the output folder.
	OutputArchive = "archive"
	// OutputRecipe stores what regenerates the output instead: config,
	// lock and run manifest, once a regeneration has been proven
	// byte-identical. Anything that keeps a recipe from holding is an error.
	OutputRecipe = "recipe"
	// OutputAuto stores a recipe when every condition holds and an archive
	// otherwise, saying which and why.
	OutputAuto = "auto"
)

// OutputModes lists the modes, for flags and errors.
var OutputModes = []string{OutputAuto, OutputRecipe, OutputArchive}

// Recipe is what a recipe backup holds in place of the output's files.
type Recipe struct {
	// Files are the recipe's files by name (the config, the lock, the run
	// manifest, the proof).
	Files map[string][]byte
	// Described is the size of the output folder the recipe stands for.
	Described int64
	// ProvenAt and Proven tell when regeneration from the recipe was last
	// checked and whether it gave the same bytes; ProvenAt is zero when no
	// proof has been made (a dry run).
	ProvenAt time.Time
	Proven   bool
	// Why says in a few words why the recipe holds, for the run's output.
	Why string
}

// RecipeMaker decides whether an output folder can be backed up as a
// recipe, and proves it. The generator lives outside this module, so dsops
// supplies one.
type RecipeMaker interface {
	// MakeRecipe checks outputDir and returns its recipe, or an error that
	// names what is missing or different. A proof regenerates into a
	// scratch folder inside scratchParent; in a dry run none is made. When
	// a proof was made and failed, the recipe is returned with Proven false
	// beside an error wrapping ErrProofFailed.
	MakeRecipe(ctx context.Context, outputDir, scratchParent string, dryRun bool) (*Recipe, error)
}

// ErrProofFailed means a regeneration from the recipe did not give the
// output's bytes: the output cannot be trusted to a recipe.
var ErrProofFailed = errors.New("regenerating from the recipe did not give the same bytes")

// outputByMode backs up the output folder as the mode says. It returns
// false when the folder is to be archived after all.
func (r *runner) outputByMode(ctx context.Context, dir string) (bool, error) {
	mode := r.opts.OutputMode
	if mode == "" || mode == OutputArchive {
		return false, nil
	}
	if r.opts.Recipes == nil {
		return false, fmt.Errorf("--output-mode %s: no recipe maker; this is a bug in the caller", mode)
	}
	rec, err := r.opts.Recipes.MakeRecipe(ctx, dir, r.opts.Dest, r.opts.DryRun)
	if rec != nil {
		r.res.Recipe = rec
	}
	switch {
	case err == nil:
		r.say("output as a recipe: %s", rec.Why)
		return true, r.recipe(ctx, rec)
	case mode == OutputRecipe:
		return false, fmt.Errorf("--output-mode recipe: %w; nothing was written (use --output-mode auto or archive to archive the files instead)", err)
	case errors.Is(err, ErrProofFailed):
		r.proofFailed = err
		r.log.Error("recipe proof failed; archiving the output instead", "err", err)
		r.say("warning: %v; archiving the output instead", err)
	default:
		r.log.Info("archiving the output, not a recipe", "reason", err)
		r.say("output as an archive, not a recipe: %v", err)
	}
	return false, nil
}

// recipe writes rec as recipe-DATE.tar.gz unless the newest recipe holds
// the same files.
func (r *runner) recipe(ctx context.Context, rec *Recipe) error {
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range rec.Files {
			if !yield(n) {
				return
			}
		}
	})
	tmp, err := atomicfile.MkdirTemp(r.opts.Dest, ".dsops-recipe-")
	if err != nil {
		if r.opts.DryRun {
			tmp, err = atomicfile.MkdirTemp("", ".dsops-recipe-")
		}
		if err != nil {
			return fmt.Errorf("--dest %s: %w", r.opts.Dest, err)
		}
	}
	defer tmp.Remove()
	var paths []string
	for _, n := range names {
		p := filepath.Join(tmp.Path, n)
		if err := os.WriteFile(p, rec.Files[n], 0o644); err != nil {
			return err
		}
		paths = append(paths, p)
	}
	m, err := archive.ScanFiles(ctx, paths, catalog.KindRecipe, r.now)
	if err != nil {
		return err
	}
	m.Source = "recipe of " + r.opts.OutputDir
	name, err := r.archive(ctx, catalog.KindRecipe, "", m)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(filepath.Join(r.opts.Dest, name)); err == nil {
		r.res.RecipeStored = fi.Size()
	}
	r.log.Info("recipe", "describes", rec.Described, "stored", r.res.RecipeStored, "proven_at", rec.ProvenAt)
	if r.res.RecipeStored > 0 && !r.opts.DryRun {
		r.say("the recipe stands for %s of output in %s", humanize.IBytes(uint64(rec.Described)), humanize.IBytes(uint64(r.res.RecipeStored)))
	}
	return nil
}
