/**
 * Entry of the benchmark bundle (bench/.build/bench.mjs, built by bench/run.mjs):
 *   bench.mjs figure <id> [--quick] --json <file>   run one figure, write its result as JSON
 *   bench.mjs render <results.json> <command>        print RESULTS.md for a set of results
 */
import { readFileSync, writeFileSync } from "node:fs";
import { describeMachine, type Machine } from "./machine";
import { REPO_ROOT } from "./paths";
import { renderFigure, renderHeader, renderSummary, type FigureResult } from "./report";
import { FIGURES } from "./figures/index";
import { merkleProfileBody } from "./figures/merkle";

export interface ResultsFile {
  machine: Machine;
  command: string;
  figures: FigureResult[];
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "machine") {
    process.stdout.write(JSON.stringify(describeMachine(REPO_ROOT)));
    return 0;
  }
  if (command === "merkle-profile") {
    merkleProfileBody(Number(rest[0] ?? 3));
    return 0;
  }
  if (command === "figure") {
    const id = rest[0];
    const figure = FIGURES.find((f) => f.id === id);
    if (!figure) {
      process.stderr.write(`unknown figure '${id}'; known: ${FIGURES.map((f) => f.id).join(", ")}\n`);
      return 2;
    }
    const jsonAt = rest.indexOf("--json");
    const result = await figure.run(rest.includes("--quick"));
    const text = JSON.stringify(result, null, 2);
    if (jsonAt >= 0 && rest[jsonAt + 1]) writeFileSync(rest[jsonAt + 1]!, text + "\n");
    else process.stdout.write(text + "\n");
    return 0;
  }
  if (command === "render") {
    const results = JSON.parse(readFileSync(rest[0]!, "utf8")) as ResultsFile;
    const order = FIGURES.map((f) => f.id);
    const figures = [...results.figures].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    const numbered = figures.map((figure) => ({ n: order.indexOf(figure.id) + 1, figure }));
    const body = numbered.map(({ n, figure }) => renderFigure(n, figure));
    process.stdout.write(
      [renderHeader(results.machine, results.command), renderSummary(numbered), ...body].join("\n"),
    );
    return 0;
  }
  process.stderr.write(
    "usage: bench.mjs figure <id> [--quick] [--json <file>] | render <results.json> | machine\n",
  );
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
