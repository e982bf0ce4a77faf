// composecheck loads a Compose file the way Docker Compose does (compose-go: interpolation, merge keys, the
// Compose Specification's schema, then the model's own checks) and prints the resolved project as JSON.
// tests/deploy/test_real_tools.py runs it: `go run . <compose file> <env file>` in this folder.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: composecheck <compose file> <env file>")
		os.Exit(2)
	}
	file, err := filepath.Abs(os.Args[1])
	if err != nil {
		fail(err)
	}
	options, err := cli.NewProjectOptions(
		[]string{file},
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithEnvFiles(os.Args[2]),
		cli.WithDotEnv, // loads the files WithEnvFiles names (only those: not a .env beside the compose file)
		cli.WithInterpolation(true),
		cli.WithResolvedPaths(false),
		cli.WithConsistency(true),
	)
	if err != nil {
		fail(err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fail(err)
	}
	fmt.Println(string(out))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "composecheck:", err)
	os.Exit(1)
}
