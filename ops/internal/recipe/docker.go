package recipe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// errNoDocker means there is no docker program or engine to run an image.
var errNoDocker = errors.New("docker is not available")

// dockerGenerate runs the pinned image's datasynth-data on the recipe's
// config, as the operations guide's pinned `docker run` does: the recipe
// folder mounted read-only, the output's parent folder mounted for the
// result, and the container run as the calling user so the files are
// theirs.
func dockerGenerate(ctx context.Context, docker, image, recipeDir, cfgName, out string, stderr io.Writer) error {
	if docker == "" {
		docker = "docker"
	}
	if _, err := exec.LookPath(docker); err != nil {
		return errNoDocker
	}
	if err := exec.CommandContext(ctx, docker, "info").Run(); err != nil {
		return errNoDocker
	}
	parent, name := filepath.Split(out)
	recipeAbs, err := filepath.Abs(recipeDir)
	if err != nil {
		return err
	}
	parentAbs, err := filepath.Abs(parent)
	if err != nil {
		return err
	}
	user := strconv.Itoa(os.Getuid()) + ":" + strconv.Itoa(os.Getgid())
	cmd := exec.CommandContext(ctx, docker, "run", "--rm", "--network", "none", "-u", user,
		"-v", recipeAbs+":/recipe:ro", "-v", parentAbs+":/out",
		image, "datasynth-data", "generate", "--config", "/recipe/"+cfgName, "--output", "/out/"+name)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s run %s datasynth-data generate failed (%v); its messages are above", docker, image, err)
	}
	return nil
}
