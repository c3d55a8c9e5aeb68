/** Entry of the `edgelog` command (bundled to dist/cli.mjs by scripts/build-cli.mjs). */

const USAGE = `usage: edgelog <command> [options]

Commands are being added; run \`edgelog --help\` for the list.
`;

/** Runs the CLI with `argv` (without the node and script paths); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(USAGE);
    return 0;
  }
  process.stderr.write(`edgelog: unknown command '${argv[0]}'\n${USAGE}`);
  return 2;
}
